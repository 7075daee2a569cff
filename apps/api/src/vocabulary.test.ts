// The lifecycle (@duban/workflow) declares the stages, "closed" and the roles; the db — a leaf that
// imports no workspace package — repeats them as column types and data. These checks fail the build
// (type level) and the tests (values) the day the two drift apart.
import { CLOSED_TASK_STAGES, TASK_STAGES as DB_TASK_STAGES, type TaskStage, type UserRole } from "@duban/db";
import { CLOSED_STAGES, isOpenStage, ROLES, TASK_STAGES, WORK_STAGES, type Role, type StageOrTerminated } from "@duban/workflow";
import { describe, expect, it } from "vitest";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const stagesAgree: Equal<TaskStage, StageOrTerminated> = true;
const rolesAgree: Equal<UserRole, Role> = true;

describe("one vocabulary", () => {
  it("db's stage list and closed stages are the lifecycle's", () => {
    expect([stagesAgree, rolesAgree]).toEqual([true, true]);
    expect(DB_TASK_STAGES).toEqual(TASK_STAGES);
    expect(CLOSED_TASK_STAGES).toEqual(CLOSED_STAGES);
  });

  it("open means every stage but done and terminated", () => {
    expect(TASK_STAGES.filter((s) => isOpenStage(s))).toEqual(WORK_STAGES);
    expect(TASK_STAGES.filter((s) => !isOpenStage(s))).toEqual([...CLOSED_STAGES]);
    expect(ROLES).toHaveLength(7);
  });
});
