// 消息: the in-app inbox (deadline warnings, urges, 督办单 …), newest first, with mark read.
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Segmented } from "antd";
import { useState } from "react";
import { Link } from "react-router";
import { PageHeader } from "../../components/PageHeader";
import { PageLoading } from "../../components/PageLoading";
import { EmptyState } from "../../components/ResponsiveTable";
import { ToneTag } from "../../components/tags";
import { errorInfo } from "../../lib/errors";
import { formatDateTime } from "../../lib/format";
import { type RouterOutputs, useTRPC } from "../../trpc";
import "./inbox.css";

type Message = RouterOutputs["inbox"]["list"]["items"][number];

export function InboxPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const list = useInfiniteQuery(
    trpc.inbox.list.infiniteQueryOptions({ unreadOnly, limit: 50 }, { getNextPageParam: (last) => last.nextCursor ?? undefined }),
  );
  const markRead = useMutation(
    trpc.inbox.markRead.mutationOptions({
      onSuccess: (r, input) => {
        void queryClient.invalidateQueries(trpc.inbox.pathFilter());
        if (input?.ids === undefined) message.success(r.changed > 0 ? `已将 ${r.changed} 条消息标为已读` : "没有未读消息");
      },
      onError: (e) => message.error(errorInfo(e).message),
    }),
  );

  const items: Message[] = list.data?.pages.flatMap((p) => p.items) ?? [];
  const unread = list.data?.pages[0]?.unread ?? 0;

  return (
    <>
      <PageHeader
        title="消息"
        extra={
          <Button onClick={() => markRead.mutate({})} disabled={unread === 0} loading={markRead.isPending && markRead.variables?.ids === undefined}>
            全部标为已读
          </Button>
        }
        sub={
          <div style={{ display: "flex", flexWrap: "wrap", alignItems: "center", gap: 12 }}>
            {/* The one unread counter of the page (the bell in the header counts the same). */}
            <Segmented
              aria-label="显示范围"
              value={unreadOnly ? "unread" : "all"}
              onChange={(v) => setUnreadOnly(v === "unread")}
              options={[
                { value: "all", label: "全部" },
                { value: "unread", label: `未读 ${unread}` },
              ]}
            />
          </div>
        }
      />
      {list.isError && <Alert type="error" showIcon title={errorInfo(list.error).message} style={{ marginBottom: 16 }} />}
      <Card styles={{ body: { padding: 0 } }}>
        {list.isPending ? (
          <PageLoading />
        ) : items.length === 0 ? (
          <div style={{ padding: 32 }}>
            <EmptyState text={unreadOnly ? "暂无未读消息" : "暂无数据"} />
          </div>
        ) : (
          <ul className="inbox-list" aria-label="消息列表">
            {items.map((m) => {
              const isUnread = m.readAt === null;
              return (
                <li key={m.id} className={isUnread ? "inbox-item unread" : "inbox-item"}>
                  <div className="inbox-head">
                    {isUnread ? <ToneTag tone="red">未读</ToneTag> : <ToneTag tone="gray">已读</ToneTag>}
                    <span className="inbox-title">{m.title}</span>
                    <span className="inbox-time nowrap">{formatDateTime(m.createdAt)}</span>
                  </div>
                  {m.body && <p className="inbox-body">{m.body}</p>}
                  <div className="inbox-actions">
                    {m.taskId && (
                      <Link to={`/tasks/${m.taskId}`} onClick={() => isUnread && markRead.mutate({ ids: [m.id] })}>
                        查看任务
                      </Link>
                    )}
                    {isUnread && (
                      <Button size="small" type="link" style={{ padding: 0 }} onClick={() => markRead.mutate({ ids: [m.id] })} aria-label={`将“${m.title}”标为已读`}>
                        标为已读
                      </Button>
                    )}
                  </div>
                </li>
              );
            })}
          </ul>
        )}
      </Card>
      {list.hasNextPage && (
        <div style={{ textAlign: "center", marginTop: 12 }}>
          <Button onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
            加载更多
          </Button>
        </div>
      )}
    </>
  );
}
