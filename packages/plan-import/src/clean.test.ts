import { describe, expect, it } from "vitest";
import { cleanText } from "./clean.js";

describe("cleanText", () => {
  it("drops site chrome, links, metadata blocks and footers", () => {
    const raw = [
      "设为首页 | 加入收藏", "湖北省", "您当前的位置: 首页 > 内容", "",
      "索引号:", "1134/2022", "文 号:", "六政办〔2022〕8号", "成文日期:", "2022-02-22 00:00",
      "浏览量:   时间:2024-04-15", "字号:", "打印", "本文链接://www.example.com/a.html",
      "# 标题", "  一、工作任务  ", "附件.pdf", "郑州某某微信公众号",
      "上一篇:别的文件", "正文之后的内容",
    ].join("\n");
    const { lines, meta } = cleanText(raw);
    expect(lines.map((l) => l.text)).toEqual(["标题", "一、工作任务"]);
    expect(lines[0]).toMatchObject({ heading: true });
    expect(lines[1]).toMatchObject({ heading: false, afterNoise: false });
    expect(meta).toMatchObject({ 文号: "六政办〔2022〕8号", 成文日期: "2022-02-22 00:00", 索引号: "1134/2022" });
  });

  it("keeps ordinary lines, normalising full-width spaces", () => {
    expect(cleanText("\u3000\u3000（一）关闭小散乱污企业\r\n").lines.map((l) => l.text)).toEqual([
      "（一）关闭小散乱污企业",
    ]);
  });
});
