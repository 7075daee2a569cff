/**
 * Noise removal: turns the raw text of a plan (often copied from a web page) into
 * trimmed, non-empty lines, dropping site headers, metadata blocks, links, share
 * buttons and footers. Metadata key/value pairs (文号, 成文日期 …) are kept aside.
 */

export interface CleanLine {
  text: string;
  /** The line was a markdown heading ("# …"); it never continues the previous line. */
  heading: boolean;
  /** Noise was removed right before this line; it never continues the previous line. */
  afterNoise: boolean;
  /** The cells of a table row flattened with tabs ("1\t建设中心\t市民政局"), absent otherwise. */
  cells?: string[];
}

export interface CleanResult {
  lines: CleanLine[];
  /** Metadata found in web-page blocks, keys without spaces ("文号" → "六政办〔2022〕8号"). */
  meta: Record<string, string>;
}

/** Labels of web-page metadata blocks: the label stands alone on its line, the value follows. */
const META_KEYS = new Set([
  "索引号", "组配分类", "发布机构", "主题分类", "成文日期", "发文日期", "发布日期", "文号",
  "关键词", "主题词", "政策咨询机关", "政策咨询电话", "名称", "标题", "有效性", "信息来源",
  "来源", "发布时间", "生效日期", "废止日期", "体裁分类", "公文种类", "所属机构", "字号",
  "浏览次数", "访问量", "时效性", "统一编号", "登记号",
]);

/** Lines that are web-page chrome wherever they appear. */
const NOISE_LINE = new RegExp(
  [
    "^(设为首页|加入收藏|信息检索|站内搜索|全文检索)",
    "^(无障碍|无障碍浏览|繁体|繁體|简体|English|长者模式)$",
    "^(浏览量|浏览次数|访问量|阅读量|点击量|点击数)",
    "^字号[:：]",
    "^(打印|关闭|【打印】|【关闭】|打印本页|关闭窗口|返回顶部|收藏本页|扫一扫|微信扫一扫)$",
    "^(分享到|分享[:：])",
    "^(本文链接|本文关键词|原文链接|相关链接|相关阅读|相关文章|最新政策|热门文章|推荐阅读)",
    "^(网址|来源|发布时间|信息来源|作者|责任编辑|编辑)[:：]",
    "^(单位信息|单位名称|单位地址|邮政编码|开户银行|银行账号|联系电话|图文传真|单位信箱|版权所有|技术支持|ICP备|网站标识码|网站地图)",
    "(https?://|www\\.|//[a-z0-9-]+\\.[a-z]{2,})",
    "\\.(pdf|docx?|wps|xlsx?|ofd|zip|rar)$",
    "(公众号|下载网站|文库|官方网站|官网)$",
    "^(政策咨询|政策解读|文件下载|附件下载)$",
  ].join("|"),
  "i",
);

/** Everything before a breadcrumb line is site header. */
const BREADCRUMB = /^(您当前的位置|您现在的位置|当前位置|您的位置|所在位置)/;
/** Everything from a footer marker on is site footer. */
const FOOTER = /^(上一篇|下一篇|文件下载|附件下载|相关链接|相关文章|相关阅读|分享到)/;

/**
 * Kangxi and CJK radicals (⼀ U+2F00) and compatibility ideographs that PDF text layers often
 * carry in place of the ordinary characters (一): mapped to those, nothing else is touched.
 */
const RADICALS: Record<string, string> = {
  "⺠": "民", "⻩": "黄", "⻅": "见", "⻓": "长", "⻔": "门", "⻛": "风", "⻜": "飞", "⻢": "马", "⻬": "齐",
  "⻰": "龙", "⻚": "页", "⻝": "食", "⻘": "青", "⻥": "鱼", "⻦": "鸟", "⻨": "麦", "⻮": "齿", "⺟": "母",
  "⺩": "王", "⻄": "西", "⻆": "角", "⻉": "贝", "⻋": "车", "⻣": "骨",
};

export function normaliseRadicals(line: string): string {
  return line.replace(/[\u2e80-\u2fdf\uf900-\ufaff]/g, (c) => RADICALS[c] ?? c.normalize("NFKC"));
}

function normaliseSpaces(line: string): string {
  return normaliseRadicals(line).replace(/[\u00a0\u3000\t\u2002\u2003\u200b\ufeff]/g, " ").trim();
}

export function cleanText(raw: string): CleanResult {
  const sourceLines = raw.replace(/\r\n?/g, "\n").split("\n");
  const rawLines = sourceLines.map(normaliseSpaces);
  const meta: Record<string, string> = {};

  let start = 0;
  for (let i = 0; i < rawLines.length; i++) {
    if (BREADCRUMB.test(rawLines[i] ?? "")) start = i + 1;
  }

  const lines: CleanLine[] = [];
  let afterNoise = false;
  for (let i = start; i < rawLines.length; i++) {
    const original = rawLines[i] ?? "";
    if (original === "") continue;
    if (FOOTER.test(original)) break;

    const key = original.replace(/\s+/g, "").replace(/[:：]$/, "");
    if (/[:：]$/.test(original) && META_KEYS.has(key)) {
      // the value is the next non-empty line, unless that is a label itself
      let j = i + 1;
      while (j < rawLines.length && (rawLines[j] ?? "") === "") j++;
      const value = rawLines[j] ?? "";
      const valueKey = value.replace(/\s+/g, "").replace(/[:：]$/, "");
      if (j < rawLines.length && !(/[:：]$/.test(value) && META_KEYS.has(valueKey))) {
        if (!(key in meta)) meta[key] = value;
        i = j;
      }
      afterNoise = true;
      continue;
    }
    if (NOISE_LINE.test(original)) {
      afterNoise = true;
      continue;
    }
    const heading = /^#{1,6}\s/.test(original);
    const text = heading ? original.replace(/^#{1,6}\s+/, "").trim() : original;
    if (text === "") continue;
    const tabbed = (sourceLines[i] ?? "").trim().split("\t");
    const cells = tabbed.length > 1 ? tabbed.map(normaliseSpaces) : undefined;
    lines.push(cells ? { text, heading, afterNoise, cells } : { text, heading, afterNoise });
    afterNoise = false;
  }
  return { lines, meta };
}
