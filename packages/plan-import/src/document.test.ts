import { describe, expect, it } from "vitest";
import { cleanText } from "./clean.js";
import { extractDocumentInfo, parseDateLine } from "./document.js";

const info = (text: string) => {
  const { lines, meta } = cleanText(text);
  return extractDocumentInfo(lines, meta);
};

describe("extractDocumentInfo", () => {
  it("reads 文号, signature, date and the title after the notice", () => {
    const text = [
      "某某区人民政府办公室文件", "某政办〔2023〕5号", "关于印发某某方案的通知", "各街道:",
      "现印发给你们。", "某某区人民政府办公室", "2023年5月6日",
      "某某区养老服务", "工作方案", "为做好养老服务工作，特制订本方案。", "一、工作目标",
    ].join("\n\n");
    expect(info(text)).toMatchObject({
      docNumber: "某政办〔2023〕5号",
      issuer: "某某区人民政府办公室",
      date: "2023-05-06",
      title: "某某区养老服务工作方案",
      issuerNames: ["某某区人民政府办公室", "某某区人民政府办公室"],
    });
  });

  it("falls back to the 文件 header and metadata", () => {
    const text = ["文 号:", "某政〔2020〕1号", "成文日期:", "2020-03-04 00:00", "某某市人民政府文件", "某某规划", "一、现状"].join("\n");
    expect(info(text)).toMatchObject({
      docNumber: "某政〔2020〕1号", issuer: "某某市人民政府", date: "2020-03-04", title: "某某规划",
    });
  });

  it("returns nulls for an empty text", () => {
    expect(info("")).toMatchObject({ title: null, docNumber: null, issuer: null, date: null, bodyStart: 0 });
  });
});

describe("parseDateLine", () => {
  it.each([
    ["2021年4月17日", "2021-04-17"],
    ["2021 年 4 月 17 日", "2021-04-17"],
    ["二〇二一年四月十七日", "2021-04-17"],
    ["2021年13月1日", null],
    ["2021年4月17日印发", null],
  ])("%s → %s", (line, date) => {
    expect(parseDateLine(line)).toBe(date);
  });
});
