import type { FloatArray } from "../tensor/dtype.js";
import { installBackward, Tensor, type BackwardFn } from "../tensor/tensor.js";
import { releaseFloat } from "../tensor/storage.js";

/**
 * Reverse-mode autograd. Each op computes its output eagerly and, when grad mode is on and some
 * input requires grad, records its parents and a backward closure on the output (micrograd's
 * design at tensor granularity). `backward()` walks the recorded graph in reverse topological
 * order and then frees it, like PyTorch without retain_graph.
 */
let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Run `fn` without recording anything (inference, evaluation, optimizer updates). */
export function noGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/** True when an op on these inputs must record a backward node. */
export function needsGrad(...inputs: Tensor[]): boolean {
  if (!gradEnabled) return false;
  for (const t of inputs) if (t.requiresGrad) return true;
  return false;
}

/** Attach the backward node to `out` if any parent requires grad; returns `out`. */
export function record(out: Tensor, parents: Tensor[], backward: BackwardFn): Tensor {
  if (needsGrad(...parents)) {
    out.requiresGrad = true;
    out.parents = parents;
    out.backwardFn = backward;
  }
  return out;
}

/** Gradient buffer of `t` to accumulate into, or null when `t` needs no gradient. */
export function gradSink(t: Tensor): FloatArray | null {
  return t.requiresGrad ? t.ensureGrad() : null;
}

/**
 * Non-leaf nodes whose graph an earlier backward() freed. Reaching one again would silently drop
 * every gradient behind it (it no longer has parents), so backward() refuses instead, as PyTorch
 * does without retain_graph.
 */
const freedNodes = new WeakSet<Tensor>();

function freedError(): Error {
  return new Error(
    "backward: the graph through this tensor was already freed by an earlier backward() " +
      "(recompute the forward pass, or detach() values carried over from a previous step)",
  );
}

function topoOrder(root: Tensor): Tensor[] {
  if (freedNodes.has(root)) throw freedError();
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  // Iterative DFS: recurrent graphs are thousands of nodes deep.
  const stack: Array<[Tensor, number]> = [[root, 0]];
  visited.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const [node, i] = top;
    const parents = node.parents;
    if (parents && i < parents.length) {
      top[1] = i + 1;
      const p = parents[i]!;
      if (p.requiresGrad && !visited.has(p)) {
        if (freedNodes.has(p)) throw freedError();
        visited.add(p);
        stack.push([p, 0]);
      }
    } else {
      stack.pop();
      order.push(node);
    }
  }
  return order;
}

function backward(root: Tensor, gradOutput?: FloatArray): void {
  if (!root.requiresGrad) throw new Error("backward: tensor does not require grad (no parameter took part in computing it)");
  if (gradOutput && gradOutput.length !== root.size) {
    throw new Error(`backward: gradOutput has ${gradOutput.length} elements, tensor has ${root.size}`);
  }
  if (!gradOutput && root.size !== 1) {
    throw new Error(`backward: implicit gradient needs a one-element tensor, got shape [${root.shape.join(", ")}]`);
  }
  const order = topoOrder(root);
  // Accumulate (not overwrite): a leaf root keeps the gradient it already has, like every leaf.
  const rootGrad = root.ensureGrad();
  if (gradOutput) for (let i = 0; i < rootGrad.length; i++) rootGrad[i]! += gradOutput[i]!;
  else rootGrad[0]! += 1;
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i]!;
    const fn = node.backwardFn;
    if (!fn) continue; // a leaf: keep its accumulated grad
    if (node.grad) fn(node.grad);
    // Free the graph and the intermediate gradient as we go (its memory goes back to the step's
    // arena for the gradients still to come).
    node.backwardFn = null;
    node.parents = null;
    if (node.grad) releaseFloat(node.grad);
    node.grad = null;
    freedNodes.add(node);
  }
}

installBackward(backward);
