/** The registry of synthetic tasks, by name. */
import { UserError } from "../../errors.js";
import { copyTask } from "./copy.js";
import { datesTask } from "./dates.js";
import { namesTask } from "./names.js";
import { needleTask } from "./needle.js";
import { reverseTask } from "./reverse.js";
import { retrieveTask } from "./retrieve.js";
import { sortTask } from "./sort.js";
import type { SyntheticTask, TaskOptionValues } from "./task.js";
import { toyLangTask } from "./toyLang.js";

export type { Alignment, SyntheticPair, SyntheticTask, TaskOption, TaskOptionValues } from "./task.js";

export const TASKS: readonly SyntheticTask[] = [datesTask, copyTask, reverseTask, sortTask, toyLangTask, namesTask, retrieveTask, needleTask];

export function findTask(name: string): SyntheticTask {
  const task = TASKS.find((t) => t.name === name);
  if (!task) throw new UserError(`--task ${JSON.stringify(name)}: unknown task; expected one of ${TASKS.map((t) => t.name).join(", ")}`);
  return task;
}

/**
 * The task's options with defaults filled in and ranges checked; `given` holds values the user
 * set (by option key). Options the task does not have are an error, not silently ignored.
 */
export function resolveTaskOptions(task: SyntheticTask, given: TaskOptionValues): TaskOptionValues {
  const values: TaskOptionValues = {};
  for (const key of Object.keys(given)) {
    if (!task.options.some((o) => o.key === key)) {
      const flags = task.options.map((o) => o.flag).join(", ") || "none";
      throw new UserError(`task ${task.name} has no option ${key}; its options: ${flags}`);
    }
  }
  for (const o of task.options) {
    const v = given[o.key] ?? o.default;
    if (!Number.isInteger(v) || v < o.min || v > o.max) {
      throw new UserError(`${o.flag} ${v}: expected an integer from ${o.min} to ${o.max}`);
    }
    values[o.key] = v;
  }
  if (values.minLen !== undefined && values.maxLen !== undefined && values.minLen > values.maxLen) {
    throw new UserError(`--min-len ${values.minLen} is greater than --max-len ${values.maxLen}`);
  }
  return values;
}
