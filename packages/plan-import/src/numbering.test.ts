import { describe, expect, it } from "vitest";
import { chineseNumeralValue, parseMarker } from "./numbering.js";

describe("parseMarker", () => {
  it.each([
    ["一、工作目标", "cn", "一", "工作目标"],
    ["十三、其他", "cn", "十三", "其他"],
    ["（一）推动建设", "pcn", "（一）", "推动建设"],
    ["(十三)推动", "pcn", "(十三)", "推动"],
    ["1. 根据部署", "num", "1", "根据部署"],
    ["1、根据部署", "num", "1", "根据部署"],
    ["1.2023年底前,培育", "num", "1", "2023年底前,培育"],
    ["10.2023年底实现", "num", "10", "2023年底实现"],
    ["(1)细化", "pnum", "(1)", "细化"],
    ["（12）细化", "pnum", "（12）", "细化"],
    ["①第一", "circ", "①", "第一"],
  ])("%s", (line, type, label, rest) => {
    expect(parseMarker(line)).toEqual({ type, label, rest });
  });

  it.each([["一是养老设施发展迅猛。"], ["一要提高政治站位。"], ["1.5万张床位"], ["2023年底"], ["研究制订"]])(
    "%s is not numbered",
    (line) => {
      expect(parseMarker(line)).toBeNull();
    },
  );
});

describe("chineseNumeralValue", () => {
  it.each([["一", 1], ["十", 10], ["十三", 13], ["二十", 20], ["三十四", 34], ["一百零五", 105], ["x", Number.NaN]])(
    "%s → %s",
    (s, n) => {
      expect(chineseNumeralValue(s)).toBe(n);
    },
  );
});
