import { allocFloat, allocFloatUninit, floatFrom, type FloatArray } from "./dtype.js";
import { allocPersistent, isPersistent, zeroFloats } from "./storage.js";
import { checkShape, shapeError, shapeSize, shapeStr, type Shape } from "./shape.js";

/**
 * Backward function of an autograd node: receives dLoss/dOutput and accumulates into the
 * parents' gradients. Set by the autograd layer; the tensor layer only stores it.
 */
export type BackwardFn = (gradOutput: FloatArray) => void;

/**
 * A dense tensor: contiguous row-major float storage plus a shape. When it takes part in
 * autograd it also carries the node that produced it (parents + backward).
 *
 * `data` may be a view on any ArrayBuffer (including a WebAssembly.Memory), so faster kernels
 * can work on it without a copy.
 */
export class Tensor {
  readonly data: FloatArray;
  readonly shape: readonly number[];
  /** dLoss/dThis, allocated on first accumulation during backward. */
  grad: FloatArray | null = null;
  /** True for parameters and for results of ops on tensors that require grad. */
  requiresGrad: boolean;
  /** Inputs of the op that produced this tensor (null for leaves). */
  parents: Tensor[] | null = null;
  backwardFn: BackwardFn | null = null;
  /** Optional label for debugging and error messages. */
  name: string | undefined;

  constructor(data: FloatArray, shape: Shape, requiresGrad = false) {
    checkShape("Tensor", shape);
    const n = shapeSize(shape);
    if (data.length !== n) {
      throw new Error(`Tensor: data has ${data.length} elements but shape ${shapeStr(shape)} needs ${n}`);
    }
    this.data = data;
    this.shape = Object.freeze([...shape]);
    this.requiresGrad = requiresGrad;
  }

  static zeros(shape: Shape, requiresGrad = false): Tensor {
    checkShape("Tensor", shape);
    return new Tensor(allocFloat(shapeSize(shape)), shape, requiresGrad);
  }

  /**
   * A tensor whose values are unspecified until written (NaN in the test suite), for an op's
   * output that its kernel writes in full: skips zeroing memory that is overwritten anyway.
   */
  static empty(shape: Shape, requiresGrad = false): Tensor {
    checkShape("Tensor", shape);
    return new Tensor(allocFloatUninit(shapeSize(shape)), shape, requiresGrad);
  }

  static full(shape: Shape, value: number, requiresGrad = false): Tensor {
    const t = Tensor.zeros(shape, requiresGrad);
    t.data.fill(value);
    return t;
  }

  /** A tensor from a flat row-major array of values with an explicit shape. */
  static from(values: ArrayLike<number>, shape: Shape, requiresGrad = false): Tensor {
    return new Tensor(floatFrom(values), shape, requiresGrad);
  }

  static scalar(value: number, requiresGrad = false): Tensor {
    return Tensor.from([value], [], requiresGrad);
  }

  get size(): number {
    return this.data.length;
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.data.length !== 1) throw shapeError("item", "expected a one-element tensor", this.shape);
    return this.data[0]!;
  }

  toArray(): number[] {
    return Array.from(this.data);
  }

  /** A leaf sharing this tensor's storage, cut off from the graph. */
  detach(): Tensor {
    return new Tensor(this.data, this.shape, false);
  }

  /** A deep copy of the values (a new leaf). */
  clone(): Tensor {
    return new Tensor(this.data.slice(), this.shape, false);
  }

  /** Reset the gradient to zero (keeps the buffer). */
  zeroGrad(): void {
    if (this.grad) zeroFloats(this.grad);
  }

  /**
   * Set the gradient to null (PyTorch's set_to_none: "no gradient this step", so optimizers skip
   * the tensor) but keep a persistent buffer for the next `ensureGrad`, so clearing gradients
   * every step never allocates.
   */
  clearGrad(): void {
    if (this.grad && isPersistent(this.grad)) this.spareGrad = this.grad;
    this.grad = null;
  }

  private spareGrad: FloatArray | null = null;

  /**
   * Gradient buffer, allocated zero-filled when missing. It lives as long as the data: a
   * parameter's (persistent kernel memory) outlives every step's arena.
   */
  ensureGrad(): FloatArray {
    if (!this.grad) {
      if (this.spareGrad) {
        this.grad = this.spareGrad;
        this.spareGrad = null;
        zeroFloats(this.grad);
      } else {
        this.grad = isPersistent(this.data) ? allocPersistent(this.data.length) : allocFloat(this.data.length);
      }
    }
    return this.grad;
  }

  /**
   * Move this leaf's values (and gradient, if any) into persistent kernel memory, so the
   * WebAssembly kernels read and update them in place; done once for every parameter when a
   * module registers it. Float64 storage (gradient checks) stays where it is.
   */
  makePersistent(): void {
    if (!(this.data instanceof Float32Array) || isPersistent(this.data)) return;
    const data = allocPersistent(this.data.length);
    data.set(this.data);
    (this as { data: FloatArray }).data = data;
    if (this.grad) {
      const grad = allocPersistent(this.grad.length);
      grad.set(this.grad);
      this.grad = grad;
    }
  }

  /** Reverse-mode backward from this tensor; installed by the autograd layer. */
  backward(gradOutput?: FloatArray): void {
    backwardImpl(this, gradOutput);
  }

  toString(): string {
    return `Tensor(${shapeStr(this.shape)}${this.requiresGrad ? ", requiresGrad" : ""})`;
  }
}

let backwardImpl: (root: Tensor, gradOutput?: FloatArray) => void = () => {
  throw new Error("backward: the autograd module is not loaded");
};

/** Called once by src/autograd to provide the backward pass without a circular import. */
export function installBackward(fn: (root: Tensor, gradOutput?: FloatArray) => void): void {
  backwardImpl = fn;
}
