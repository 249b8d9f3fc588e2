/** The double-precision error function lives with the JS reference kernels (GELU uses it). */
export { erf } from "../kernels/js/erf.js";
