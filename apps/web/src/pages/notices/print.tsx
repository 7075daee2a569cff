// 督办单, printable: the issued notice laid out as the paper form offices stamp and send (title,
// number, 承办单位, 督办事项, 督办要求 with the reply date, issuing office and date), and the unit's
// answer when there is one. Opened in its own tab from the notice list; the browser prints it.
// Reads only this notice (supervision.notice), under the list's visibility.
import { useQuery } from "@tanstack/react-query";
import { Alert, Button, Result, Spin } from "antd";
import { useEffect } from "react";
import { Link, useParams } from "react-router";
import { errorInfo } from "../../lib/errors";
import { formatChineseDate } from "../../lib/format";
import { type RouterOutputs, useTRPC } from "../../trpc";
import "./print.css";

type Notice = RouterOutputs["supervision"]["notice"];

const COLOUR_CLASS: Record<string, string> = { red: "notice-red", yellow: "notice-yellow", blue: "notice-blue" };

/** The facts without their leading task reference (the form names the task in its own field). */
function reasonOf(notice: Notice): string {
  const head = `任务 ${notice.taskPath}「${notice.taskText.slice(0, 80)}」`;
  return notice.facts.startsWith(head) && notice.facts.length > head.length ? notice.facts.slice(head.length) : notice.facts;
}

export function NoticeSheet({ notice }: { notice: Notice }) {
  return (
    <article className={`notice-sheet ${COLOUR_CLASS[notice.colour] ?? ""}`} aria-label={`${notice.colourLabel} ${notice.number ?? ""}`}>
      <p className="notice-colour">{notice.colourLabel}</p>
      <h1 className="notice-title">督 办 单</h1>
      <p className="notice-number">{notice.number ?? "（草稿，未编号）"}</p>
      <dl className="notice-fields">
        <dt>承办单位</dt>
        <dd>{notice.unitName}</dd>
        <dt>督办事项</dt>
        <dd>
          任务 {notice.taskPath}：{notice.taskText}
        </dd>
        <dt>督办事由</dt>
        <dd>{reasonOf(notice)}</dd>
        <dt>督办要求</dt>
        <dd>请于{formatChineseDate(notice.replyDue)}前将办理情况及下一步措施书面反馈{notice.officeName}。</dd>
      </dl>
      <div className="notice-signature">
        <p>{notice.officeName}</p>
        <p>{formatChineseDate(notice.issuedAt ?? notice.createdAt)}</p>
      </div>
      <section className="notice-answer" aria-label="办理情况反馈">
        <h2>办理情况反馈</h2>
        {notice.answerText ? (
          <>
            <p className="notice-answer-text">{notice.answerText}</p>
            <p className="notice-answer-date">
              {notice.unitName}{"\u3000"}{formatChineseDate(notice.answeredAt)}
              {notice.late ? "（逾期答复）" : ""}
            </p>
          </>
        ) : (
          <p className="notice-answer-empty">（尚未反馈）</p>
        )}
      </section>
    </article>
  );
}

export function NoticePrintPage() {
  const { noticeId } = useParams();
  const trpc = useTRPC();
  const query = useQuery({ ...trpc.supervision.notice.queryOptions({ id: noticeId ?? "" }), enabled: Boolean(noticeId) });
  const notice = query.data;

  useEffect(() => {
    if (notice) document.title = `${notice.colourLabel} ${notice.number ?? ""}`;
  }, [notice]);

  const failure = query.isError ? errorInfo(query.error) : null;
  if (noticeId && query.isPending) return <Spin style={{ display: "block", margin: 48 }} />;
  if (failure !== null && failure.code !== "NOT_FOUND") return <Alert type="error" showIcon style={{ margin: 24 }} title="督办单加载失败" description={failure.message} />;
  if (!notice) {
    return <Result status="404" title="督办单不存在或您无权查看" extra={<Link to="/notices">返回督办单列表</Link>} />;
  }
  return (
    <main className="notice-print">
      <div className="notice-toolbar">
        <Link to="/notices">返回督办单列表</Link>
        <Button type="primary" onClick={() => window.print()}>
          打印
        </Button>
      </div>
      <NoticeSheet notice={notice} />
    </main>
  );
}
