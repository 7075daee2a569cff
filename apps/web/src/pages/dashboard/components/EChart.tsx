// A small ECharts wrapper: echarts.init on a ref, resized by a ResizeObserver, disposed on unmount.
// The chart is an image to assistive technology (role="img" + aria-label); every page that shows one
// also shows its figures as text or a table beside it, and offers the drill-down there by keyboard.
import { BarChart, PieChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import { useEffect, useRef } from "react";
import { EmptyState } from "../../../components/ResponsiveTable";

echarts.use([BarChart, PieChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export type ChartOption = echarts.EChartsCoreOption;

/** True when some series has a value above zero: an all-zero chart is an empty axis, not a figure. */
function hasData(option: ChartOption): boolean {
  const series = ([] as unknown[]).concat(option.series ?? []);
  return series.some((one) => {
    const data = (one as { data?: unknown } | null)?.data;
    return Array.isArray(data) && data.some((v) => (typeof v === "number" ? v : Number((v as { value?: unknown } | null)?.value ?? 0)) > 0);
  });
}

export function EChart({ option, label, height = 260, onSelect }: { option: ChartOption; label: string; height?: number; onSelect?: (dataIndex: number) => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const chartRef = useRef<echarts.ECharts | null>(null);
  const selectRef = useRef(onSelect);
  selectRef.current = onSelect;

  useEffect(() => {
    const el = ref.current;
    if (el === null) return;
    const chart = echarts.init(el, undefined, { renderer: "canvas" });
    chartRef.current = chart;
    chart.on("click", (params) => {
      if (typeof params.dataIndex === "number") selectRef.current?.(params.dataIndex);
    });
    const observer = new ResizeObserver(() => chart.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      chart.dispose();
      chartRef.current = null;
    };
  }, []);

  useEffect(() => {
    chartRef.current?.setOption(option, true);
  }, [option]);

  // An empty chart says 暂无数据 in its place; the canvas stays (hidden) so it can draw when data comes.
  const empty = !hasData(option);
  return (
    <div style={{ position: "relative" }}>
      <div
        ref={ref}
        {...(empty ? { "aria-hidden": true } : { role: "img", "aria-label": label })}
        style={{ width: "100%", height, cursor: onSelect ? "pointer" : "default", visibility: empty ? "hidden" : "visible" }}
      />
      {empty && (
        <div style={{ position: "absolute", inset: 0, display: "flex", alignItems: "center", justifyContent: "center" }}>
          <EmptyState />
        </div>
      )}
    </div>
  );
}
