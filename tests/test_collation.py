"""Chinese names in pinyin order, as the directory lists them (generator/collation.py)."""

from __future__ import annotations

from generator.collation import pinyin_key


def test_names_sort_by_pinyin_not_by_code_point() -> None:
    names = ["中小学", "会计", "农业", "卫生", "建设工程", "数字技术", "教育"]
    assert sorted(names) == ["中小学", "会计", "农业", "卫生", "建设工程", "教育", "数字技术"]  # code points
    assert sorted(names, key=pinyin_key) == ["建设工程", "教育", "会计", "农业", "数字技术", "卫生", "中小学"]


def test_a_character_is_read_as_its_phrase_reads_it() -> None:
    # 会计 is kuàijì (after 建设 jiàn), not huì (before it) as the character alone reads; 银行 is háng
    assert sorted(["建设", "会计"], key=pinyin_key) == ["建设", "会计"]
    assert sorted(["行走", "银行", "好"], key=pinyin_key) == ["好", "行走", "银行"]
    assert sorted(["重庆", "中心"], key=pinyin_key) == ["重庆", "中心"]  # chóng before zhōng


def test_latin_digits_and_brackets_sort_before_chinese_and_nothing_is_lost() -> None:
    names = ["常州（天宁）", "abc基地", "ABD", "2号基地", "<script>", "常州"]
    assert sorted(names, key=pinyin_key) == ["2号基地", "<script>", "abc基地", "ABD", "常州", "常州（天宁）"]
    assert pinyin_key("") == ([], "")
