"""Suggested field mappings: which kind a city's layer looks like and which of its fields feeds each target.

Municipal exports name fields in Chinese or English, with units in brackets (``杆高(m)``, ``高度（米）``). Each
target field has aliases: specific ones (杆号 -> pole_id, 学校名称 -> name) that also reveal the kind, and generic
ones (名称, 编号, height) that only count once the kind is known. Enumerations get a value map for the values the
data holds (在用 -> active). The planner sees and corrects every suggestion in the import assistant.

Example::

    suggestion = suggest_mapping(layer.gdf, layer.name)
    suggestion.mapping.kind, suggestion.confidence["pole_id"]    # 'lamp_poles', 0.9
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd
import shapely

from layers.field_mapping import FIELD, FieldMapping, FieldSource
from layers.kinds import _FALSE, _TRUE, BOOL, KINDS, detect_kind

EXACT, SPECIFIC, GENERIC = 1.0, 0.9, 0.6
#: Below this a suggestion is shown but does not reveal the kind.
REVEALS_KIND = 0.85

#: target field per kind -> (specific aliases, generic aliases), compared after ``normalise``.
ALIASES: dict[str, dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "lamp_poles": {
        "pole_id": (("杆号", "杆编号", "灯杆编号", "灯杆号", "路灯编号", "路灯号", "pole_no", "pole_code",
                     "pole_number", "poleid", "pole_num"), ("编号", "id", "code", "序号")),
        "height_m": (("杆高", "灯杆高度", "灯高", "pole_height"), ("高度", "height", "ht")),
        "has_power": (("是否有电", "有电", "是否通电", "通电", "供电", "has_electricity", "powered", "electrified"),
                      ()),
        "power_w": (("功率", "额定功率", "灯具功率", "wattage", "watts"), ("power",)),
        "attachments": (("挂载设备", "搭载设备", "附属设备", "挂载"), ("equipment", "devices")),
        "capacity": (("挂载容量", "可挂载数", "max_attachments", "slots"), ("容量",)),
        "road_id": (("道路编号", "所在道路", "道路id", "road_code", "road_no"), ("道路", "road")),
        "status": ((), ("状态", "运行状态", "使用状态", "state", "condition")),
    },
    "sites_5g": {
        "site_id": (("站址编号", "站点编号", "基站编号", "站号", "site_code", "site_no", "gnb_id", "cell_id"),
                    ("编号", "id", "code")),
        "operator": (("运营商", "运营商名称", "carrier"), ("network",)),
        "height_m": (("天线高度", "挂高", "antenna_height"), ("高度", "height")),
        "band_mhz": (("频段", "频率", "freq_mhz", "frequency"), ("band", "freq")),
        "eirp_dbm": (("等效全向辐射功率", "发射功率", "tx_power"), ()),
        "azimuths": (("方位角", "方向角", "azimuth", "sector_azimuths"), ()),
        "beamwidth_deg": (("波瓣宽度", "水平波瓣宽度", "beamwidth", "hbw"), ()),
        "tilt_deg": (("下倾角", "倾角", "downtilt"), ("tilt",)),
        "status": ((), ("状态", "运行状态", "state")),
    },
    "schools": {
        "name": (("学校名称", "校名", "学校", "school_name"), ("名称", "名字", "title")),
        "level": (("学段", "办学层次", "学校类型", "school_level", "school_type"), ("类型", "type")),
        "students": (("学生数", "在校生数", "在校学生数", "学生人数", "enrollment", "pupils", "student_count"), ()),
    },
    "office_space": {
        "listing_id": (("房源编号", "listing", "listing_no"), ("编号", "id")),
        "price_m2": (("租金", "单价", "月租金", "租金单价", "rent", "rent_m2", "price_per_m2", "unit_price"),
                     ("price", "价格")),
        "lease_term_months": (("租期", "lease_term", "term_months"), ()),
        "industry": (("行业", "业态", "sector"), ()),
        "area_m2": ((), ("面积", "建筑面积", "使用面积", "area", "floor_area")),
        "floor": (("所在楼层", "floor_no"), ("楼层",)),
    },
    "buildings": {
        "height_m": (("建筑高度", "楼高", "bldg_height", "building_height"), ("高度", "height")),
        "levels": (("层数", "楼层数", "地上层数", "building_levels", "building:levels", "storeys", "num_floors"),
                   ("floors",)),
    },
    "roads": {
        "name": (("道路名称", "路名", "road_name", "street_name"), ("名称", "name")),
        "road_class": (("道路等级", "road_type", "fclass", "highway"), ("等级", "class")),
        "width_m": (("路宽", "道路宽度", "road_width"), ("宽度", "width")),
    },
    "demand": {
        "residents": (("居住人口", "常住人口", "户籍人口", "人口", "population", "pop"), ()),
        "workers": (("就业人口", "工作人口", "岗位数", "jobs", "employees", "employment"), ()),
    },
}

#: Values of enumerations by target field: the data's word -> the schema's value.
VALUE_ALIASES: dict[str, dict[str, object]] = {
    "status": {**dict.fromkeys(("在用", "正常", "使用中", "运行", "运行中", "启用", "在网", "现状", "existing",
                                "in_use", "ok"), "active"),
               **dict.fromkeys(("规划", "拟建", "计划", "待建", "新建", "proposed", "planning"), "planned"),
               **dict.fromkeys(("故障", "损坏", "维修", "待修", "broken", "damaged"), "faulty"),
               **dict.fromkeys(("拆除", "已拆除", "废弃", "停用", "demolished", "abandoned"), "removed")},
    "level": {"幼儿园": "kindergarten", "小学": "primary", "初中": "middle", "中学": "middle", "高中": "high",
              "大学": "university", "高校": "university", "学院": "university"},
    "road_class": {"主干路": "arterial", "主干道": "arterial", "快速路": "arterial", "次干路": "secondary",
                   "次干道": "secondary", "支路": "local", "街巷": "local"},
    "has_power": {**dict.fromkeys(("有", "有电", "通电", "已通电", "供电"), True),
                  **dict.fromkeys(("无", "无电", "未通电", "断电"), False)},
}

_BRACKETS = re.compile(r"[（(\[【].*?[)）\]】]")
_UNIT_SUFFIX = re.compile(r"_(m|米|w|瓦|mhz|dbm|deg|度|m2|平方米|人|个)$")


def normalise(name: str) -> str:
    """``杆高(m)`` -> ``杆高``, ``Pole No.`` -> ``pole_no``: brackets and unit suffixes dropped, lower case."""
    text = _BRACKETS.sub("", str(name)).lower()
    text = re.sub(r"[^0-9a-z:\u4e00-\u9fff]+", "_", text).strip("_")
    return _UNIT_SUFFIX.sub("", text)


def _confidence(column: str, target: str, aliases: tuple[tuple[str, ...], tuple[str, ...]]) -> float:
    key = normalise(column)
    if key == target or str(column).strip().lower() == target:
        return EXACT
    specific, generic = aliases
    if key in specific:
        return SPECIFIC
    if key in generic:
        return GENERIC
    if any(not a.isascii() and len(a) > 1 and a in key for a in specific):   # 灯杆编号_新 contains 灯杆编号
        return SPECIFIC - 0.15
    return 0.0


@dataclass
class Suggestion:
    """A proposed mapping with a confidence (0-1) per mapped target and for the kind."""

    mapping: FieldMapping
    confidence: dict[str, float] = field(default_factory=dict)
    kind_confidence: float = 0.0


def _match_fields(columns: list[str], kind: str) -> dict[str, tuple[str, float]]:
    """target -> (column, confidence), each column used once, the surest pairs first."""
    pairs = [(_confidence(c, target, aliases), target, c)
             for target, aliases in ALIASES.get(kind, {}).items() for c in columns]
    matched: dict[str, tuple[str, float]] = {}
    taken: set[str] = set()
    for score, target, column in sorted(pairs, key=lambda p: -p[0]):
        if score > 0 and target not in matched and column not in taken:
            matched[target] = (column, score)
            taken.add(column)
    return matched


def _family(gdf: gpd.GeoDataFrame) -> str | None:
    types = shapely.get_type_id(gdf.geometry.to_numpy()[:1000])
    present = {({0: "point", 4: "point", 1: "line", 2: "line", 5: "line", 3: "polygon", 6: "polygon"}).get(int(t))
               for t in types if t >= 0}
    present.discard(None)
    return present.pop() if len(present) == 1 else None


def guess_kind(gdf: gpd.GeoDataFrame, layer_name: str) -> tuple[str | None, float]:
    """The kind ``gdf`` most likely is, and how sure: by its name or id column (``kinds.detect_kind``), else by
    fields with specific aliases that cover what the kind requires; None when nothing or several kinds fit."""
    columns = [str(c) for c in gdf.columns if c != gdf.geometry.name]
    family = _family(gdf)
    by_name = detect_kind(layer_name or "", columns)
    if by_name and (family is None or family in KINDS[by_name].geometry):
        return by_name, 0.9
    scores = {}
    for kind, spec in KINDS.items():
        if family is not None and family not in spec.geometry:
            continue
        sure = {t: c for t, (c, c_score) in _match_fields(columns, kind).items() if c_score >= REVEALS_KIND}
        required = [f.name for f in spec.fields if f.required]
        if any(name not in sure for name in required):
            continue
        if spec.require_one_of and not any(name in sure for name in spec.require_one_of):
            continue
        if len(sure) >= (1 if required or spec.require_one_of else 2):
            scores[kind] = len(sure) / len(spec.fields)
    if not scores:
        return None, 0.0
    ranked = sorted(scores.items(), key=lambda item: -item[1])
    if len(ranked) > 1 and ranked[1][1] == ranked[0][1]:
        return None, 0.0
    return ranked[0][0], round(0.5 + 0.4 * ranked[0][1], 2)


def suggest_values(series: pd.Series, target: str, field_type: str) -> dict[str, object]:
    """A value map for the values ``series`` holds that the kind spells otherwise (在用 -> active)."""
    known = VALUE_ALIASES.get(target, {})
    if not known:
        return {}
    values: dict[str, object] = {}
    for value in pd.unique(series.dropna()):
        text = str(value).strip()
        if field_type == BOOL and text.lower() in _TRUE | _FALSE:
            continue        # validate reads it already
        key = text.lower()
        if key in known and known[key] != key:
            values[text] = known[key]
    return values


def suggest_mapping(gdf: gpd.GeoDataFrame, layer_name: str = "", kind: str | None = None) -> Suggestion:
    """A mapping for ``gdf`` to ``kind`` (guessed when None): the surest source field per target, value maps
    for enumerations. Targets without a likely source are left out (``validate`` fills their defaults)."""
    kind_confidence = 1.0
    if kind is None:
        kind, kind_confidence = guess_kind(gdf, layer_name)
    if kind is None:
        return Suggestion(FieldMapping(None))
    columns = [str(c) for c in gdf.columns if c != gdf.geometry.name]
    spec = KINDS[kind]
    fields, confidence = {}, {}
    for target, (column, score) in _match_fields(columns, kind).items():
        values = suggest_values(gdf[column], target, spec.field(target).type)
        fields[target] = FieldSource(FIELD, column, values)
        confidence[target] = score
    order = [f.name for f in spec.fields]
    fields = dict(sorted(fields.items(), key=lambda item: order.index(item[0])))
    return Suggestion(FieldMapping(kind, fields), confidence, kind_confidence)


__all__ = ["ALIASES", "REVEALS_KIND", "VALUE_ALIASES", "Suggestion", "guess_kind", "normalise", "suggest_mapping",
           "suggest_values"]
