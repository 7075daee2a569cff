/** What a top-level section holds, judged from its title. */
import { PHASE_SECTION } from "./phases.js";

export type SectionKind = "phase" | "intro" | "task" | "generic";

/** Goals, principles, safeguards and requirements: boilerplate, not work to assign. */
const INTRO =
  /^(工作|总体|主要|发展|预期)?目标|指导思想|基本原则|总体要求|总体思路|现状|形势|背景|意义|(保障|保证)(措施|机制)?$|^(组织|实施|工作|政策|资金|要素)保障|要求$|组织领导|组织实施|附则|名单/;
/** Sections that list the work itself. */
const TASK = /措施|举措|重点|行动|工作内容|责任分工|主要内容|清单|分工/;

export function classifySection(title: string): SectionKind {
  if (PHASE_SECTION.test(title)) return "phase";
  if (/任务/.test(title)) return "task";
  if (INTRO.test(title)) return "intro";
  if (TASK.test(title)) return "task";
  return "generic";
}
