// 月报缺报 (月调度): for a month, the units whose handle-stage tasks have no progress report yet.
import { useQuery } from "@tanstack/react-query";
import { Alert, Card, DatePicker, Empty, Form, Select, Spin } from "antd";
import dayjs from "dayjs";
import { Link, useSearchParams } from "react-router";
import { useMe } from "../../auth";
import { PageHeader } from "../../components/PageHeader";
import { useThisMonth } from "../../lib/clock";
import { errorInfo } from "../../lib/errors";
import { formatMonth } from "../../lib/format";
import { useTRPC } from "../../trpc";
import "../dashboard/dashboard.css";

const ALL_PLANS = "__all__";
const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;

export function MissingReportsPage() {
  const me = useMe();
  const thisMonth = useThisMonth();
  const trpc = useTRPC();
  const [params, setParams] = useSearchParams();
  const allowed = me.can.supervise;
  const asked = params.get("period") ?? "";
  const period = PERIOD.test(asked) ? asked : thisMonth;
  const planId = params.get("plan") ?? undefined;

  const plans = useQuery({ ...trpc.plan.list.queryOptions(), enabled: allowed });
  const report = useQuery({ ...trpc.supervision.missingReports.queryOptions({ period, ...(planId ? { planId } : {}) }), enabled: allowed });

  const set = (key: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };

  if (!allowed) {
    return <Alert type="warning" showIcon title={<h1 className="page-title">月报缺报</h1>} description="您的角色不能查看月报缺报。" />;
  }

  const data = report.data;
  return (
    <>
      <PageHeader
        title="月报缺报"
        sub={
          <span style={{ color: "rgba(0,0,0,0.7)" }}>
            办理阶段的任务每月应报送进度；下列任务在所选月份尚无进度报告{!me.can.oversee ? `（${me.unitName ?? "本单位"}）` : ""}。
          </span>
        }
      />
      <Card style={{ marginBottom: 16 }}>
        <Form layout="inline" style={{ rowGap: 8 }}>
          <Form.Item label="月份" htmlFor="missing-period">
            <DatePicker
              id="missing-period"
              picker="month"
              allowClear={false}
              value={dayjs(`${period}-01`)}
              onChange={(d) => set("period", d ? d.format("YYYY-MM") : undefined)}
              disabledDate={(d) => d.format("YYYY-MM") > thisMonth}
            />
          </Form.Item>
          <Form.Item label="工作方案" htmlFor="missing-plan">
            <Select
              id="missing-plan"
              style={{ minWidth: 240, maxWidth: 360 }}
              value={planId ?? ALL_PLANS}
              onChange={(v: string) => set("plan", v === ALL_PLANS ? undefined : v)}
              loading={plans.isPending}
              popupMatchSelectWidth={false}
              options={[{ value: ALL_PLANS, label: "全部工作方案" }, ...(plans.data ?? []).map((p) => ({ value: p.id, label: p.docNumber ? `${p.docNumber} ${p.title}` : p.title }))]}
            />
          </Form.Item>
        </Form>
      </Card>
      {report.isError && <Alert type="error" showIcon title={errorInfo(report.error).message} style={{ marginBottom: 16 }} />}
      {report.isPending ? (
        <div style={{ padding: 48, textAlign: "center" }}>
          <Spin tip="正在统计…">
            <div style={{ height: 40 }} />
          </Spin>
        </div>
      ) : (
        data && (
          <>
            <p role="status" style={{ fontSize: 16, fontWeight: 600 }}>
              {data.total === 0 ? `${formatMonth(data.period)}：没有缺报的任务` : `${formatMonth(data.period)}：${data.units.length} 个单位共 ${data.total} 项任务未报送进度`}
            </p>
            {data.units.length === 0 ? (
              <Card>
                <Empty description={`${formatMonth(data.period)}没有缺报的任务`} />
              </Card>
            ) : (
              data.units.map((u) => (
                <Card key={u.unitId} style={{ marginBottom: 12 }} title={<h2 className="section-title">{u.unitName}</h2>} extra={<span>缺报 {u.count} 项</span>}>
                  <ol style={{ margin: 0, paddingInlineStart: 20 }}>
                    {u.tasks.map((t) => (
                      <li key={t.taskId} style={{ padding: "4px 0" }}>
                        <Link to={`/tasks/${t.taskId}`}>
                          {t.path ? <span style={{ marginInlineEnd: 8 }}>{t.path}</span> : null}
                          {t.text}
                        </Link>
                      </li>
                    ))}
                  </ol>
                  {u.count > u.tasks.length && <p style={{ margin: "8px 0 0", color: "rgba(0,0,0,0.65)" }}>{`仅列出前 ${u.tasks.length} 项，共 ${u.count} 项。`}</p>}
                </Card>
              ))
            )}
          </>
        )
      )}
    </>
  );
}
