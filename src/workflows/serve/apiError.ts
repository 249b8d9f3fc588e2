/**
 * A request the explorer refuses: the status and one line for the page (and curl) to show. The
 * server answers `{ "error": message }` with this status and keeps serving.
 */
export class ApiError extends Error {
  constructor(
    readonly status: 400 | 404 | 405 | 413,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}
