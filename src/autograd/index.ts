export { noGrad, isGradEnabled, needsGrad, record, gradSink } from "./tape.js";
export { gradCheck, type GradCheckOptions, type GradCheckResult } from "./gradcheck.js";
