<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1">
<context>
    <name>Algorithm</name>
    <message>
        <location filename="../../plugins/api.py" line="949" />
        <source>Group: {group}</source>
        <translation>分组：{group}</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="950" />
        <source>Parameters:</source>
        <translation>参数：</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="954" />
        <source>optional</source>
        <translation>可选</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="956" />
        <source>default {value}</source>
        <translation>默认 {value}</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="958" />
        <source> (a file path, or a layer name with --project)</source>
        <translation>（文件路径，或配合 --project 使用的图层名称）</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="964" />
        <source>Outputs:</source>
        <translation>输出：</translation>
    </message>
    <message>
        <location filename="../../plugins/registry.py" line="55" />
        <source>Broken plugins</source>
        <translation>损坏的插件</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="108" />
        <source>Site selection</source>
        <translation>站点选址</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="535" />
        <source>Site selection: k sites covering the most demand (MCLP)</source>
        <translation>站点选址：k 个站点覆盖最多需求（最大覆盖选址 MCLP）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="536" />
        <source>Chooses which k lamp poles should carry micro-stations to cover the most people, and in what order to build them. Candidates are the eligible poles (in service, height range, power, a free attachment slot, outside keep-out buffers); demand comes from a demand layer, buildings or a raster, weighted up near schools and office clusters and down where existing 5G sites already serve it. A pole covers a demand point within the radius, or where the coverage model predicts RSRP above the threshold.

exact solves the maximal covering location problem as a MILP on HiGHS (after exact reductions) and reports the optimality gap. When k poles could nearly cover everything, proving the optimum can take hours; exact then spends its work limit improving the plan, re-solving the neighbourhoods of uncovered demand exactly, and states the gap to covering everything. greedy is the lazy greedy, guaranteed within 63% of optimal and usually within 1-2%, with the proven gap stated. Outputs: the sites with rank, phase, marginal and cumulative coverage and cost; covered and uncovered demand; the coverage curve for 1..N sites with a proven ceiling for each N.</source>
        <translation>选择哪 k 根灯杆挂载微基站以覆盖最多人口，并给出建设顺序。候选为符合条件的灯杆（在用、高度范围合适、有供电、有空余挂载位、位于禁建缓冲区之外）；需求来自需求图层、建筑物或栅格，在学校和办公集聚区附近加权提高，在已有 5G 基站覆盖处加权降低。当需求点位于半径之内，或覆盖模型预测的参考信号接收功率 (RSRP) 高于门限时，该灯杆即覆盖该需求点。

exact（精确）在 HiGHS 上将最大覆盖选址问题作为混合整数线性规划 (MILP) 求解（先做精确约简），并报告最优性间隙。当 k 根灯杆几乎能覆盖全部需求时，证明最优可能需要数小时；此时 exact 会用完其工作量限制来改进方案，对未覆盖需求的邻域精确重解，并给出与全覆盖的间隙。greedy（贪心）为惰性贪心算法，保证达到最优值的 63% 以上，通常相差 1-2%，并给出已证明的间隙。输出：带排序、分期、边际与累计覆盖及成本的站点；已覆盖与未覆盖需求；1..N 个站点的覆盖曲线，每个 N 附有已证明的上限。</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="564" />
        <source>Site selection: most demand within a budget</source>
        <translation>站点选址：预算内覆盖最多需求</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="565" />
        <source>Like the k-site model, but the sites may cost different amounts (a base cost, a surcharge where a pole has no power, or a cost field) and their total must stay within the budget. Exact (HiGHS MILP with optimality gap) or greedy (best of gain-per-cost and gain, with a proven bound).</source>
        <translation>与 k 站点模型类似，但各站点成本可以不同（基础成本、灯杆无供电时的附加费用，或成本字段），且总成本不得超出预算。可用精确法（HiGHS MILP，给出最优性间隙）或贪心法（取单位成本收益与收益两者中较优者，给出已证明的界）。</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="584" />
        <source>Site selection: fewest sites covering the demand (LSCP)</source>
        <translation>站点选址：以最少站点覆盖需求（集合覆盖 LSCP）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="585" />
        <source>The fewest sites (or the least total cost) that cover all the demand any eligible pole can reach, or a target share of it (e.g. 95%). Demand no pole reaches is reported, not required. Exact (HiGHS MILP with optimality gap) or greedy (cheapest per covered demand, or in the order of the LP relaxation when that is smaller, redundant sites pruned, with a proven lower bound). Counting sites, both then drop the least-needed poles one by one and move their neighbours to win the demand back (the exact solver does so when its MILP stops before proving the optimum).</source>
        <translation>以最少的站点（或最低总成本）覆盖任一符合条件的灯杆所能覆盖的全部需求，或其中的目标比例（如 95%）。没有灯杆能覆盖的需求会被报告，但不作要求。可用精确法（HiGHS MILP，给出最优性间隙）或贪心法（按每单位覆盖需求成本最低，或在线性规划松弛顺序更优时按该顺序，剔除冗余站点，并给出已证明的下界）。以站点数计时，两者随后都会逐一去掉最不必要的灯杆，并移动其相邻站点以重新覆盖需求（精确求解器在 MILP 未能证明最优便停止时也会这样做）。</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="99" />
        <source>Coverage: RSRP, best server and SINR</source>
        <translation>覆盖：RSRP、最优服务小区与 SINR</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/calibrate_algorithm.py" line="43" />
        <location filename="../../plugins/coverage/algorithm.py" line="100" />
        <source>Coverage</source>
        <translation>覆盖</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="102" />
        <source>Predicts downlink coverage of 5G cells on lamp poles or existing sites. For every grid cell it gives the best-server RSRP (dBm per resource element), which cell serves it, and the SINR against all other cells on the same carrier at full load plus thermal noise. Path loss follows 3GPP TR 38.901 (UMi-Street Canyon for street-level small cells, UMa for macro sites, or free space); whether a cell sees a transmitter is decided from building heights (a buildings layer or a height raster), not drawn at random. Sector antennas use the 3GPP pattern. Outputs: RSRP, best-server and SINR rasters, the area each cell serves above the RSRP threshold, and the shares of area, residents, workers, buildings and schools covered, with the demand each site serves. The model and its limits are described in docs/coverage_model.md.</source>
        <translation>预测灯杆或已有站点上 5G 小区的下行覆盖。对每个栅格单元给出最优服务小区的参考信号接收功率 (RSRP)（每资源粒子 dBm）、服务该单元的小区，以及在同载波所有其他小区满负荷加热噪声下的信干噪比 (SINR)。路径损耗遵循 3GPP TR 38.901（街道级小基站用 UMi-Street Canyon，宏站用 UMa，或自由空间）；小区能否看到发射机由建筑物高度（建筑物图层或高度栅格）决定，而非随机生成。扇区天线采用 3GPP 方向图。输出：RSRP、最优服务小区和 SINR 栅格，各小区在 RSRP 门限以上服务的面积，以及面积、常住人口、就业人口、建筑物和学校的覆盖率，并给出各站点服务的需求。模型及其局限见 docs/coverage_model.md。</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/calibrate_algorithm.py" line="42" />
        <source>Coverage: calibrate to measurements</source>
        <translation>覆盖：按实测校准</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/calibrate_algorithm.py" line="45" />
        <source>Fits the coverage model to measured RSRP (drive tests or crowd-sourced points with the serving cell): an offset and a slope per line-of-sight class, by robust least squares, on top of the project's RF profile. Reports mean error, RMSE and spread before and after, overall, per class and per site, and saves the fitted values in the project's RF profile (and a JSON file when asked), so later coverage runs use them. See docs/coverage_model.md.</source>
        <translation>使用实测 RSRP（路测或带服务小区的众包测量点）拟合覆盖模型：在项目射频配置的基础上，按视距类别以稳健最小二乘拟合偏移量和斜率。报告校准前后的平均误差、均方根误差 (RMSE) 和离散度（总体、按类别和按站点），并将拟合值保存到项目的射频配置中（需要时另存为 JSON 文件），供之后的覆盖计算使用。见 docs/coverage_model.md。</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/common.py" line="19" />
        <source>Vector tools</source>
        <translation>矢量工具</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/buffer.py" line="29" />
        <source>Buffer</source>
        <translation>缓冲区</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/buffer.py" line="31" />
        <source>Draws a zone of the given distance around every feature, e.g. 150 m around each school to see which lamp poles are close to it. Attributes are kept. A negative distance shrinks polygons (features that vanish are dropped). With 'Dissolve', overlapping zones merge into one feature.</source>
        <translation>在每个要素周围绘制给定距离的区域，例如在每所学校周围 150 m，查看哪些灯杆靠近学校。保留属性。负距离会收缩多边形（收缩后消失的要素将被丢弃）。勾选“融合”时，重叠区域合并为一个要素。</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/count_points.py" line="18" />
        <source>Count points in polygons</source>
        <translation>统计多边形内的点数</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/count_points.py" line="20" />
        <source>Adds to each polygon the number of points inside it ('point_count'), and optionally the sum of a numeric field of those points ('&lt;field&gt;_sum', e.g. the office floor area in each grid cell). A point on the boundary counts as inside, so a point on a shared edge counts for both polygons.</source>
        <translation>为每个多边形添加其内部的点数（'point_count'），并可选地添加这些点某个数值字段的总和（'&lt;field&gt;_sum'，例如每个网格单元内的办公楼面积）。边界上的点算作在内部，因此共享边上的点对两个多边形都计数。</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/gcj02.py" line="29" />
        <source>Convert points from GCJ-02 to WGS84</source>
        <translation>将点从 GCJ-02 转换为 WGS84</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/gcj02.py" line="31" />
        <source>Moves points whose coordinates come from a Chinese commercial map (AutoNavi/Gaode, Tencent), which uses the shifted GCJ-02 coordinates, onto WGS84/CGCS2000 so they sit on survey data. The shift is about 600 m in Guangzhou. Points outside China are left as they are.</source>
        <translation>将坐标来自中国商业地图（高德、腾讯）的点——这些地图使用偏移后的 GCJ-02 坐标——移到 WGS84/CGCS2000 上，使其与测绘数据对齐。在广州偏移约 600 m。中国境外的点保持不变。</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/filter.py" line="25" />
        <source>Filter by attribute</source>
        <translation>按属性筛选</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/filter.py" line="27" />
        <source>Copies the features whose attributes satisfy an expression into a new layer, in Python or QGIS spelling: price_m2 &lt; 200 and industry == "finance", or "price_m2" &lt; 200 AND "industry" = 'finance'. Allowed: field names (in `backticks` or "double quotes" when they contain spaces), numbers, 'text', True/False/None/NULL, comparisons (== = != &lt;&gt; &lt; &lt;= &gt; &gt;=), in [...] / IN (...), is None / IS NULL, LIKE / ILIKE with % and _, and/or/not, + - * / // % ** and || (join text), $area, $length, $x, $y and the functions abs, round, sqrt, floor, ceil, min, max, coalesce, if, upper, lower, trim, length, concat, to_int, to_real, to_string. Other calls and attribute access are refused, and so is an expression too long, too deeply nested or making too much text. A comparison with an empty value is false.</source>
        <translation>将属性满足表达式的要素复制到新图层，可用 Python 或 QGIS 写法：price_m2 &lt; 200 and industry == "finance"，或 "price_m2" &lt; 200 AND "industry" = 'finance'。允许：字段名（含空格时用 `反引号` 或 "双引号"）、数字、'文本'、True/False/None/NULL、比较运算（== = != &lt;&gt; &lt; &lt;= &gt; &gt;=）、in [...] / IN (...)、is None / IS NULL、带 % 和 _ 的 LIKE / ILIKE、and/or/not、+ - * / // % ** 和 ||（连接文本）、$area、$length、$x、$y，以及函数 abs、round、sqrt、floor、ceil、min、max、coalesce、if、upper、lower、trim、length、concat、to_int、to_real、to_string。其他调用和属性访问会被拒绝，过长、嵌套过深或生成过多文本的表达式也会被拒绝。与空值的比较结果为假。</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/join.py" line="32" />
        <source>Join attributes by location</source>
        <translation>按位置连接属性</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/join.py" line="34" />
        <source>Copies onto each input feature the attributes of the join-layer features that satisfy the spatial relation (e.g. the district each lamp pole lies 'within'). 'first match' keeps one row per input feature (the first matching join feature in layer order) and adds 'join_count', the number of matches; 'all matches' gives one row per matching pair. Join fields whose names are already taken get the suffix '_join'.</source>
        <translation>将满足空间关系的连接图层要素的属性复制到每个输入要素上（例如每根灯杆“位于”哪个区）。“第一个匹配”为每个输入要素保留一行（按图层顺序的第一个匹配连接要素），并添加匹配数 'join_count'；“所有匹配”为每对匹配给出一行。名称已被占用的连接字段加后缀 '_join'。</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/clip.py" line="19" />
        <source>Clip</source>
        <translation>裁剪</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/clip.py" line="21" />
        <source>Cuts the input layer to the area covered by the polygons of the clip layer, e.g. the roads inside a district. Features cut by the boundary keep only their inside part; features fully outside are dropped. Attributes are kept.</source>
        <translation>将输入图层裁剪到裁剪图层多边形所覆盖的区域，例如某个区内的道路。被边界切割的要素只保留内部部分；完全在外部的要素被丢弃。保留属性。</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/nearest.py" line="33" />
        <source>Distance to nearest feature</source>
        <translation>到最近要素的距离</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/nearest.py" line="35" />
        <source>For every input feature, finds the closest feature of the target layer and adds 'nearest_m' (the distance in metres) and the target's id field (as 'nearest_&lt;field&gt;'; the target's row number when no field is chosen). Example: each office listing to the nearest school or 5G site. Beyond the optional search radius the distance is left empty.</source>
        <translation>为每个输入要素找到目标图层中最近的要素，并添加 'nearest_m'（以米计的距离）和目标的标识字段（作为 'nearest_&lt;field&gt;'；未选字段时为目标的行号）。示例：每条办公楼盘信息到最近的学校或 5G 基站。超出可选搜索半径时距离留空。</translation>
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="27" />
        <source>Demand</source>
        <translation>需求</translation>
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="38" />
        <source>Demand from buildings</source>
        <translation>基于建筑物的需求</translation>
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="40" />
        <source>Makes a demand layer (residents and daytime workers per building) from building footprints: floor area (footprint × storeys) divided by the floor area per person of the building's use, e.g. 40 m² per resident in housing and 15 m² per worker in offices. The use comes from the building type field (OSM 'building', 'type', '用途'...). Use it when the city has buildings but no population grid.</source>
        <translation>根据建筑物轮廓生成需求图层（每栋建筑物的常住人口和日间就业人口）：建筑面积（占地面积 × 层数）除以该建筑用途的人均建筑面积，例如住宅每名常住人口 40 m²，办公每名就业人员 15 m²。用途取自建筑类型字段（OSM 'building'、'type'、'用途'……）。适用于城市有建筑物数据但无人口网格的情况。</translation>
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="89" />
        <source>Demand from a population raster</source>
        <translation>基于人口栅格的需求</translation>
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="91" />
        <source>Makes a demand layer from a raster of people per cell (e.g. a census or WorldPop grid). Given buildings, each cell's people are shared among the buildings inside it by residential floor area (dasymetric mapping), so demand sits where people live; cells without buildings keep their people. Totals are kept exactly.</source>
        <translation>根据每个像元的人口栅格（例如人口普查或 WorldPop 网格）生成需求图层。若提供建筑物，每个像元的人口按住宅建筑面积分配给其中的建筑物（分区密度制图），使需求落在人们居住的地方；没有建筑物的像元保留其人口。总数严格保持不变。</translation>
    </message>
    <message>
        <source>Chooses which k lamp poles should carry micro-stations to cover the most people, and in what order to build them. Candidates are the eligible poles (in service, height range, power, a free attachment slot, outside keep-out buffers); demand comes from a demand layer, buildings or a raster, weighted up near schools and office clusters and down where existing 5G sites already serve it. A pole covers a demand point within the radius, or where the coverage model predicts RSRP above the threshold.

exact solves the maximal covering location problem as a MILP on HiGHS (after exact reductions) and reports the optimality gap. When k poles could nearly cover everything, proving the optimum can take hours; exact then spends the time limit improving the plan, re-solving the neighbourhoods of uncovered demand exactly, and states the gap to covering everything. greedy is the lazy greedy, guaranteed within 63% of optimal and usually within 1-2%, with the proven gap stated. Outputs: the sites with rank, phase, marginal and cumulative coverage and cost; covered and uncovered demand; the coverage curve for 1..N sites with a proven ceiling for each N.</source>
        <translation type="vanished">选择哪 k 根灯杆挂载微基站以覆盖最多人口，并给出建设顺序。候选为符合条件的灯杆（在用、高度范围合适、有供电、有空余挂载位、位于禁建缓冲区之外）；需求来自需求图层、建筑物或栅格，在学校和办公集聚区附近加权提高，在已有 5G 基站覆盖处加权降低。当需求点位于半径之内，或覆盖模型预测的参考信号接收功率 (RSRP) 高于门限时，该灯杆即覆盖该需求点。

exact（精确）在 HiGHS 上将最大覆盖选址问题作为混合整数线性规划 (MILP) 求解（先做精确约简），并报告最优性间隙。当 k 根灯杆几乎能覆盖全部需求时，证明最优可能需要数小时；此时 exact 会在时间限制内改进方案，对未覆盖需求的邻域精确重解，并给出与全覆盖的间隙。greedy（贪心）为惰性贪心算法，保证达到最优值的 63% 以上，通常相差 1-2%，并给出已证明的间隙。输出：带排序、分期、边际与累计覆盖及成本的站点；已覆盖与未覆盖需求；1..N 个站点的覆盖曲线，每个 N 附有已证明的上限。</translation>
    </message>
    <message>
        <source>The fewest sites (or the least total cost) that cover all the demand any eligible pole can reach, or a target share of it (e.g. 95%). Demand no pole reaches is reported, not required. Exact (HiGHS MILP with optimality gap) or greedy (cheapest per covered demand, or in the order of the LP relaxation when that is smaller, redundant sites pruned, with a proven lower bound). Counting sites, both then drop the least-needed poles one by one and move their neighbours to win the demand back (the exact solver does so when its MILP stops at the time limit).</source>
        <translation type="vanished">以最少的站点（或最低总成本）覆盖任一符合条件的灯杆所能覆盖的全部需求，或其中的目标比例（如 95%）。没有灯杆能覆盖的需求会被报告，但不作要求。可用精确法（HiGHS MILP，给出最优性间隙）或贪心法（按每单位覆盖需求成本最低，或在线性规划松弛顺序更优时按该顺序，剔除冗余站点，并给出已证明的下界）。以站点数计时，两者随后都会逐一去掉最不必要的灯杆，并移动其相邻站点以重新覆盖需求（精确求解器在 MILP 因时间限制停止时也会这样做）。</translation>
    </message>
</context><context>
    <name>AlgorithmDialog</name>
    <message>
        <location filename="../processing/dialog.py" line="59" />
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <location filename="../processing/dialog.py" line="61" />
        <source>(optional)</source>
        <translation>（可选）</translation>
    </message>
    <message>
        <location filename="../processing/dialog.py" line="68" />
        <source>Outputs</source>
        <translation>输出</translation>
    </message>
    <message>
        <location filename="../processing/dialog.py" line="77" />
        <source>{n} layer added to the map</source>
        <translation>已向地图添加 {n} 个图层</translation>
    </message>
    <message>
        <location filename="../processing/dialog.py" line="78" />
        <source>{n} layers added to the map</source>
        <translation>已向地图添加 {n} 个图层</translation>
    </message>
    <message>
        <location filename="../processing/dialog.py" line="80" />
        <source>{n} table in Processing Results</source>
        <translation>处理结果中有 {n} 个表</translation>
    </message>
    <message>
        <location filename="../processing/dialog.py" line="81" />
        <source>{n} tables in Processing Results</source>
        <translation>处理结果中有 {n} 个表</translation>
    </message>
    <message>
        <location filename="../processing/dialog.py" line="84" />
        <source>Done in {seconds} s.</source>
        <translation>用时 {seconds} 秒完成。</translation>
    </message>
    <message>
        <location filename="../processing/dialog.py" line="85" />
        <source>Done in {seconds} s: {parts}.</source>
        <translation>用时 {seconds} 秒完成：{parts}。</translation>
    </message>
    <message>
        <location filename="../processing/dialog.py" line="92" />
        <source>Results:</source>
        <translation>结果：</translation>
    </message>
    <message>
        <location filename="../processing/dialog.py" line="107" />
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../processing/dialog.py" line="126" />
        <source> (optional)</source>
        <translation>（可选）</translation>
    </message>
    <message>
        <location filename="../processing/dialog.py" line="176" />
        <source>{name} — Processing</source>
        <translation>{name} — 处理</translation>
    </message>
    <message>
        <location filename="../processing/dialog.py" line="218" />
        <source>Advanced parameters ({count})</source>
        <translation>高级参数（{count}）</translation>
    </message>
    <message>
        <location filename="../processing/dialog.py" line="256" />
        <source>Messages of the run appear here.</source>
        <translation>运行信息显示在这里。</translation>
    </message>
    <message>
        <location filename="../processing/dialog.py" line="258" />
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <location filename="../processing/dialog.py" line="260" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../processing/dialog.py" line="262" />
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../processing/dialog.py" line="347" />
        <source>
── run of {time} ──</source>
        <translation>
── {time} 的运行 ──</translation>
    </message>
    <message>
        <location filename="../processing/dialog.py" line="348" />
        <source>Running {name}…</source>
        <translation>正在运行 {name}…</translation>
    </message>
    <message>
        <location filename="../processing/dialog.py" line="356" />
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location filename="../processing/dialog.py" line="366" />
        <source>Added layer '{name}'</source>
        <translation>已添加图层“{name}”</translation>
    </message>
    <message>
        <location filename="../processing/dialog.py" line="391" />
        <source>Cancelled. The project is unchanged.</source>
        <translation>已取消。项目未改变。</translation>
    </message>
    <message>
        <location filename="../processing/dialog.py" line="392" />
        <source>Cancelled by the user.</source>
        <translation>已被用户取消。</translation>
    </message>
</context><context>
    <name>AttributeFilter</name>
    <message>
        <location filename="../../plugins/tools/filter.py" line="55" />
        <source>{matching} of {total} features match {expression}</source>
        <translation>{total} 个要素中有 {matching} 个符合 {expression}</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/filter.py" line="40" />
        <source>Input layer</source>
        <translation>输入图层</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/filter.py" line="41" />
        <source>Expression</source>
        <translation>表达式</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/filter.py" line="45" />
        <source>Matching features</source>
        <translation>符合条件的要素</translation>
    </message>
</context><context>
    <name>AttributeTableDock</name>
    <message>
        <location filename="../docks/attribute_table.py" line="40" />
        <source>Filter, e.g.  price_m2 &lt; 200 and industry == "finance"   (Enter to apply)</source>
        <translation>筛选，例如  price_m2 &lt; 200 and industry == "finance"   （按回车应用）</translation>
    </message>
    <message>
        <location filename="../docks/attribute_table.py" line="58" />
        <source>Attribute Table</source>
        <translation>属性表</translation>
    </message>
    <message>
        <location filename="../docks/attribute_table.py" line="87" />
        <source>Selected only</source>
        <translation>仅显示所选</translation>
    </message>
    <message>
        <location filename="../docks/attribute_table.py" line="91" />
        <source>Select shown</source>
        <translation>选择所显示的</translation>
    </message>
    <message>
        <location filename="../docks/attribute_table.py" line="91" />
        <source>Select every feature the filter shows</source>
        <translation>选择筛选所显示的全部要素</translation>
    </message>
    <message>
        <location filename="../docks/attribute_table.py" line="92" />
        <source>Invert</source>
        <translation>反选</translation>
    </message>
    <message>
        <location filename="../docks/attribute_table.py" line="92" />
        <source>Invert the selection</source>
        <translation>反转选择</translation>
    </message>
    <message>
        <location filename="../docks/attribute_table.py" line="93" />
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <location filename="../docks/attribute_table.py" line="93" />
        <source>Clear the selection</source>
        <translation>清除选择</translation>
    </message>
    <message>
        <location filename="../docks/attribute_table.py" line="94" />
        <source>Zoom to selection</source>
        <translation>缩放到所选</translation>
    </message>
    <message>
        <location filename="../docks/attribute_table.py" line="94" />
        <source>Zoom the map to the selected features</source>
        <translation>将地图缩放到所选要素</translation>
    </message>
    <message>
        <location filename="../docks/attribute_table.py" line="129" />
        <source>Layer</source>
        <translation>图层</translation>
    </message>
    <message>
        <location filename="../docks/attribute_table.py" line="157" />
        <source>Siting decision:</source>
        <translation>选址决定：</translation>
    </message>
    <message>
        <location filename="../docks/attribute_table.py" line="160" />
        <source>Lock selected poles</source>
        <translation>锁定所选灯杆</translation>
    </message>
    <message>
        <location filename="../docks/attribute_table.py" line="161" />
        <source>Mark the selected poles approved: every siting plan run with the decision field builds them</source>
        <translation>将所选灯杆标为批准：所有使用决定字段的选址方案都会建设它们</translation>
    </message>
    <message>
        <location filename="../docks/attribute_table.py" line="162" />
        <source>Exclude selected poles</source>
        <translation>排除所选灯杆</translation>
    </message>
    <message>
        <location filename="../docks/attribute_table.py" line="163" />
        <source>Mark the selected poles rejected: no siting plan run with the decision field chooses them</source>
        <translation>将所选灯杆标为否决：所有使用决定字段的选址方案都不会选中它们</translation>
    </message>
    <message>
        <location filename="../docks/attribute_table.py" line="164" />
        <source>Clear decision</source>
        <translation>清除决定</translation>
    </message>
    <message>
        <location filename="../docks/attribute_table.py" line="164" />
        <source>Remove the decision of the selected poles</source>
        <translation>移除所选灯杆的决定</translation>
    </message>
    <message>
        <location filename="../docks/attribute_table.py" line="182" />
        <source>Select the poles to decide on first (in the table or on the map)</source>
        <translation>请先选择要决定的灯杆（在表格或地图上）</translation>
    </message>
    <message>
        <location filename="../docks/attribute_table.py" line="321" />
        <source>no vector layer</source>
        <translation>没有矢量图层</translation>
    </message>
    <message>
        <location filename="../docks/attribute_table.py" line="323" />
        <source>{shown} of {total}{nbsp}shown, {selected}{nbsp}selected</source>
        <translation>显示 {shown}/{total}{nbsp}个，已选 {selected}{nbsp}个</translation>
    </message>
    <message>
        <location filename="../docks/attribute_table.py" line="352" />
        <source>Editing “{name}”: double-click a cell to change it (Ctrl+Z undoes)</source>
        <translation>正在编辑“{name}”：双击单元格进行修改（Ctrl+Z 撤销）</translation>
    </message>
</context><context>
    <name>BackgroundWriter</name>
    <message>
        <location filename="../window/background_writer.py" line="53" />
        <source>{path}: could not be written ({problem})</source>
        <translation>{path}：无法写入（{problem}）</translation>
    </message>
</context><context>
    <name>BasemapCapabilities</name>
    <message>
        <location filename="../basemap/capabilities.py" line="64" />
        <source>the server has no layer '{layer}'</source>
        <translation>服务器没有图层“{layer}”</translation>
    </message>
    <message>
        <location filename="../basemap/capabilities.py" line="91" />
        <source>the server answered with an error: {text}</source>
        <translation>服务器返回错误：{text}</translation>
    </message>
    <message>
        <location filename="../basemap/capabilities.py" line="100" />
        <source>the answer is not a {service} capabilities document ({problem})</source>
        <translation>应答不是 {service} 能力文档（{problem}）</translation>
    </message>
    <message>
        <location filename="../basemap/capabilities.py" line="109" />
        <source>the server's answer declares a DTD or entities, which Lamplight refuses to read</source>
        <translation>服务器应答声明了 DTD 或实体，Lamplight 拒绝读取</translation>
    </message>
    <message>
        <location filename="../basemap/capabilities.py" line="112" />
        <source>the server's answer is not XML ({problem})</source>
        <translation>服务器应答不是 XML（{problem}）</translation>
    </message>
    <message>
        <location filename="../basemap/capabilities.py" line="191" />
        <source>{count} tile matrices</source>
        <translation>{count} 个瓦片矩阵</translation>
    </message>
    <message>
        <location filename="../basemap/capabilities.py" line="215" />
        <source>layer '{layer}' has no tile matrix set '{set}'</source>
        <translation>图层“{layer}”没有瓦片矩阵集“{set}”</translation>
    </message>
    <message>
        <location filename="../basemap/capabilities.py" line="219" />
        <source>the server gives no address for the tiles of layer '{layer}'</source>
        <translation>服务器未给出图层“{layer}”的瓦片地址</translation>
    </message>
</context><context>
    <name>BasemapCompose</name>
    <message>
        <location filename="../basemap/compose.py" line="106" />
        <location filename="../basemap/compose.py" line="86" />
        <source>no tiles</source>
        <translation>无瓦片</translation>
    </message>
    <message>
        <location filename="../basemap/compose.py" line="138" />
        <source>the view lies outside the area this basemap covers</source>
        <translation>视图位于此底图覆盖的区域之外</translation>
    </message>
</context><context>
    <name>BasemapDialog</name>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="65" />
        <source>Add Basemap</source>
        <translation>添加底图</translation>
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="77" />
        <source>XYZ tiles (URL template)</source>
        <translation>XYZ 瓦片（URL 模板）</translation>
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="77" />
        <source>WMS layer</source>
        <translation>WMS 图层</translation>
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="78" />
        <source>WMTS layer</source>
        <translation>WMTS 图层</translation>
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="78" />
        <source>Municipal WMTS (by URL)</source>
        <translation>市政 WMTS（按 URL）</translation>
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="88" />
        <source>Fetch layers</source>
        <translation>获取图层</translation>
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="94" />
        <source>your Tianditu key (tk), from console.tianditu.gov.cn</source>
        <translation>您的天地图密钥 (tk)，可在 console.tianditu.gov.cn 获取</translation>
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="96" />
        <source>e.g. a,b,c (for {s} in the template)</source>
        <translation>例如 a,b,c（对应模板中的 {s}）</translation>
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="103" />
        <source>Tiles are in GCJ-02 (Chinese commercial maps such as AutoNavi/Gaode or Tencent): shift them onto WGS84/CGCS2000</source>
        <translation>瓦片使用 GCJ-02 坐标（高德、腾讯等中国商业地图）：将其纠偏到 WGS84/CGCS2000</translation>
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="110" />
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="112" />
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="113" />
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="114" />
        <source>Key</source>
        <translation>密钥</translation>
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="115" />
        <source>Subdomains</source>
        <translation>子域名</translation>
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="116" />
        <source>Highest zoom</source>
        <translation>最大缩放级别</translation>
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="117" />
        <source>Layer</source>
        <translation>图层</translation>
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="118" />
        <source>Tile matrix set</source>
        <translation>瓦片矩阵集</translation>
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="120" />
        <source>Attribution</source>
        <translation>署名</translation>
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="151" />
        <source>A tile URL with {z}, {x} and {y}; {-y} for TMS rows, {s} for a subdomain.</source>
        <translation>包含 {z}、{x} 和 {y} 的瓦片 URL；TMS 行号用 {-y}，子域名用 {s}。</translation>
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="152" />
        <source>The WMS address; Fetch layers reads the layers it offers.</source>
        <translation>WMS 地址；“获取图层”读取其提供的图层。</translation>
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="153" />
        <source>The WMTS address; Fetch layers reads its layers and tile matrix sets.</source>
        <translation>WMTS 地址；“获取图层”读取其图层和瓦片矩阵集。</translation>
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="155" />
        <source>https://map.example.gov.cn/wmts</source>
        <translation>https://map.example.gov.cn/wmts</translation>
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="156" />
        <source>https://tiles.example.org/{z}/{x}/{y}.png</source>
        <translation>https://tiles.example.org/{z}/{x}/{y}.png</translation>
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="157" />
        <source>https://map.example.gov.cn/wms</source>
        <translation>https://map.example.gov.cn/wms</translation>
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="159" />
        <source>Tianditu needs a key of your own (free from console.tianditu.gov.cn); it is kept in your settings on this computer, never in the project file.</source>
        <translation>天地图需要您自己的密钥（可在 console.tianditu.gov.cn 免费申请）；密钥保存在本机的设置中，不会写入项目文件。</translation>
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="179" />
        <source>Enter the server's address first.</source>
        <translation>请先输入服务器地址。</translation>
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="183" />
        <source>Reading the server's capabilities…</source>
        <translation>正在读取服务器能力文档…</translation>
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="191" />
        <source>Could not read the server: {problem}</source>
        <translation>无法读取服务器：{problem}</translation>
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="199" />
        <source>The server offers no layer Lamplight can draw.</source>
        <translation>该服务器没有 Lamplight 可绘制的图层。</translation>
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="201" />
        <source>{count} layers offered.</source>
        <translation>提供 {count} 个图层。</translation>
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="223" />
        <source>Enter your Tianditu key: Tianditu refuses tiles without one.</source>
        <translation>请输入天地图密钥：没有密钥天地图会拒绝提供瓦片。</translation>
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="226" />
        <source>Give the basemap a name.</source>
        <translation>请为底图命名。</translation>
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="229" />
        <source>The address must start with http:// or https://.</source>
        <translation>地址必须以 http:// 或 https:// 开头。</translation>
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="232" />
        <source>An XYZ template needs {z}, {x} and {y} (or {-y}).</source>
        <translation>XYZ 模板需要包含 {z}、{x} 和 {y}（或 {-y}）。</translation>
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="235" />
        <source>The template has {s}: list its subdomains, e.g. a,b,c.</source>
        <translation>模板含有 {s}：请列出其子域名，例如 a,b,c。</translation>
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="238" />
        <source>Press Fetch layers and choose a layer.</source>
        <translation>请点击“获取图层”并选择一个图层。</translation>
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="243" />
        <source>Choose a tile matrix set.</source>
        <translation>请选择瓦片矩阵集。</translation>
    </message>
</context><context>
    <name>BasemapMenu</name>
    <message>
        <location filename="../basemap/menu.py" line="57" />
        <source>None (work offline)</source>
        <translation>无（离线工作）</translation>
    </message>
    <message>
        <location filename="../basemap/menu.py" line="70" />
        <source>Add Basemap…</source>
        <translation>添加底图…</translation>
    </message>
    <message>
        <location filename="../basemap/menu.py" line="71" />
        <source>A basemap from an XYZ template, a WMS or WMTS server, or a preset such as Tianditu</source>
        <translation>来自 XYZ 模板、WMS 或 WMTS 服务器，或天地图等预设的底图</translation>
    </message>
    <message>
        <location filename="../basemap/menu.py" line="83" />
        <source>Online map from {host}, cached on disk</source>
        <translation>来自 {host} 的在线地图，缓存在磁盘上</translation>
    </message>
    <message>
        <location filename="../basemap/menu.py" line="110" />
        <source>Warning: '{name}' serves GCJ-02 tiles, drawn here without the shift onto WGS84; they lie several hundred metres (about 600 m in Guangzhou) off survey data. Add it again with the GCJ-02 option ticked.</source>
        <translation>警告：“{name}”提供的是 GCJ-02 瓦片，此处未纠偏到 WGS84 即显示；它们与测绘数据相差数百米（在广州约 600 m）。请勾选 GCJ-02 选项后重新添加。</translation>
    </message>
    <message>
        <location filename="../basemap/menu.py" line="146" />
        <source>The project's basemap needs your access key: choose it in View &gt; Basemap to enter it.</source>
        <translation>项目的底图需要您的访问密钥：请在 视图 &gt; 底图 中选择它以输入密钥。</translation>
    </message>
</context><context>
    <name>BasemapPresets</name>
    <message>
        <location filename="../basemap/presets.py" line="32" />
        <source>Tianditu vector map (天地图 矢量)</source>
        <translation>天地图 矢量</translation>
    </message>
    <message>
        <location filename="../basemap/presets.py" line="33" />
        <source>Tianditu imagery (天地图 影像)</source>
        <translation>天地图 影像</translation>
    </message>
    <message>
        <location filename="../basemap/presets.py" line="37" />
        <source>© Tianditu (天地图), National Platform for Common GeoSpatial Information Services</source>
        <translation>© 天地图，国家地理信息公共服务平台</translation>
    </message>
    <message>
        <location filename="../basemap/presets.py" line="53" />
        <source>Paste the WMTS address your city's surveying and mapping institute gave you (its GetCapabilities URL, e.g. https://map.example.gov.cn/wmts), then press Fetch layers. Matrix sets in EPSG:3857 (GoogleMapsCompatible) and in the project's CRS or CGCS2000 are all drawn.</source>
        <translation>粘贴所在城市测绘院提供的 WMTS 地址（其 GetCapabilities URL，例如 https://map.example.gov.cn/wmts），然后点击“获取图层”。EPSG:3857 (GoogleMapsCompatible)、项目坐标参考系或 CGCS2000 下的矩阵集均可绘制。</translation>
    </message>
</context><context>
    <name>BasemapWms</name>
    <message>
        <location filename="../basemap/wms.py" line="42" />
        <source>the WMS layer '{layer}' offers none of the coordinate systems Lamplight can use ({codes})</source>
        <translation>WMS 图层“{layer}”未提供 Lamplight 可用的任何坐标系（{codes}）</translation>
    </message>
    <message>
        <location filename="../basemap/wms.py" line="78" />
        <source>the WMS server sent no image: {text}</source>
        <translation>WMS 服务器没有返回图像：{text}</translation>
    </message>
</context><context>
    <name>BlockSearch</name>
    <message>
        <location filename="../../plugins/siting/block_search.py" line="42" />
        <source>block search</source>
        <extracomment>The phase's name where the safety time limit stops it (the plan's notes).</extracomment>
        <translation>块搜索</translation>
    </message>
    <message>
        <source>block search</source>
        <extracomment>Phases a stop by the safety limit names (the same texts as the searches record themselves).</extracomment>
        <translation type="vanished">块搜索</translation>
    </message>
    <message>
        <source>block search</source>
        <translation type="vanished">块搜索</translation>
    </message>
</context><context>
    <name>BrokenPlugin</name>
    <message>
        <location filename="../../plugins/registry.py" line="60" />
        <source>{plugin} (failed to load)</source>
        <translation>{plugin}（加载失败）</translation>
    </message>
    <message>
        <location filename="../../plugins/registry.py" line="62" />
        <source>The plugin {source} {message}.</source>
        <translation>插件 {source} {message}。</translation>
    </message>
    <message>
        <location filename="../../plugins/registry.py" line="72" />
        <source>the plugin {source} {message}; fix or reinstall it</source>
        <translation>插件 {source} {message}；请修复或重新安装</translation>
    </message>
</context><context>
    <name>BudgetCovering</name>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="572" />
        <source>Budget (in site-cost units)</source>
        <translation>预算（以站点成本为单位）</translation>
    </message>
</context><context>
    <name>Buffer</name>
    <message>
        <location filename="../../plugins/tools/buffer.py" line="39" />
        <source>Input layer</source>
        <translation>输入图层</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/buffer.py" line="41" />
        <source>Buffer distance</source>
        <translation>缓冲距离</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/buffer.py" line="42" />
        <source>Segments per quarter circle</source>
        <translation>每四分之一圆的线段数</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/buffer.py" line="43" />
        <source>More segments give rounder circles and bigger files.</source>
        <translation>线段越多，圆越圆滑，文件也越大。</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/buffer.py" line="44" />
        <source>Dissolve into one feature</source>
        <translation>融合为一个要素</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/buffer.py" line="48" />
        <source>Buffered features</source>
        <translation>缓冲后的要素</translation>
    </message>
</context><context>
    <name>BuildingHeights</name>
    <message>
        <location filename="../../layers/building_heights.py" line="92" />
        <source>storey height must be positive and the default height not negative</source>
        <translation>层高必须为正，默认高度不能为负</translation>
    </message>
    <message>
        <location filename="../../layers/building_heights.py" line="138" />
        <source>height_m of {total:,} buildings: {given:,} from the data, {levels:,} from storeys × {storey:g} m, {typed:,} from the building type, {default:,} set to the default {default_m:g} m (see the height_source field)</source>
        <translation>{total:,} 栋建筑物的 height_m：{given:,} 栋来自数据，{levels:,} 栋按层数 × {storey:g} m 计算，{typed:,} 栋按建筑类型推定，{default:,} 栋取默认值 {default_m:g} m（见 height_source 字段）</translation>
    </message>
</context><context>
    <name>Candidates</name>
    <message>
        <location filename="../../plugins/siting/candidates.py" line="116" />
        <source>minimum pole height {low:g} m is above the maximum {high:g} m</source>
        <translation>最低灯杆高度 {low:g} m 高于最高值 {high:g} m</translation>
    </message>
</context><context>
    <name>CanvasStatus</name>
    <message>
        <location filename="../canvas/status_widgets.py" line="49" />
        <source>Cursor position in the project CRS</source>
        <translation>光标在项目坐标参考系中的位置</translation>
    </message>
    <message>
        <location filename="../canvas/status_widgets.py" line="51" />
        <source>Cursor position in WGS84 (latitude, longitude)</source>
        <translation>光标的 WGS84 位置（纬度，经度）</translation>
    </message>
    <message>
        <location filename="../canvas/status_widgets.py" line="55" />
        <source>Map scale; type a scale and press Enter to zoom to it</source>
        <translation>地图比例尺；输入比例尺并按回车缩放到该比例</translation>
    </message>
    <message>
        <location filename="../canvas/status_widgets.py" line="60" />
        <source>Project coordinate reference system</source>
        <translation>项目坐标参考系</translation>
    </message>
    <message>
        <location filename="../canvas/status_widgets.py" line="62" />
        <source>Time of the last map render (in the background)</source>
        <translation>上次地图渲染（在后台）用时</translation>
    </message>
    <message>
        <location filename="../canvas/status_widgets.py" line="68" />
        <source>Scale</source>
        <translation>比例尺</translation>
    </message>
    <message>
        <location filename="../canvas/status_widgets.py" line="76" />
        <source>render {ms:,.0f} ms</source>
        <translation>渲染 {ms:,.0f} ms</translation>
    </message>
</context><context>
    <name>Cli</name>
    <message>
        <location filename="../export/cli.py" line="28" />
        <source>export a print layout (PDF/SVG/PNG), an offline web map, a briefing report and a QGIS project</source>
        <translation>导出打印布局（PDF/SVG/PNG）、离线网页地图、简报和 QGIS 项目</translation>
    </message>
    <message>
        <location filename="../export/cli.py" line="30" />
        <source>Export briefing material from a Lamplight project. Give at least one of --out, --web, --report, --qgz.</source>
        <translation>从 Lamplight 项目导出汇报材料。请至少给出 --out、--web、--report、--qgz 之一。</translation>
    </message>
    <message>
        <location filename="../export/cli.py" line="32" />
        <source>the .lamp project file</source>
        <translation>.lamp 项目文件</translation>
    </message>
    <message>
        <location filename="../export/cli.py" line="33" />
        <source>print layout</source>
        <translation>打印布局</translation>
    </message>
    <message>
        <location filename="../export/cli.py" line="34" />
        <source>page file: .pdf, .svg or .png</source>
        <translation>页面文件：.pdf、.svg 或 .png</translation>
    </message>
    <message>
        <location filename="../export/cli.py" line="36" />
        <source>page size and orientation</source>
        <translation>纸张大小和方向</translation>
    </message>
    <message>
        <location filename="../export/cli.py" line="38" />
        <source>resolution (PNG pixels, PDF/SVG precision)</source>
        <translation>分辨率（PNG 像素，PDF/SVG 精度）</translation>
    </message>
    <message>
        <location filename="../export/cli.py" line="39" />
        <source>leave out the legend</source>
        <translation>不含图例</translation>
    </message>
    <message>
        <location filename="../export/cli.py" line="40" />
        <source>leave out the overview inset</source>
        <translation>不含鹰眼图</translation>
    </message>
    <message>
        <location filename="../export/cli.py" line="41" />
        <source>content (all outputs)</source>
        <translation>内容（所有输出）</translation>
    </message>
    <message>
        <location filename="../export/cli.py" line="42" />
        <source>title (default: the project's title)</source>
        <translation>标题（默认：项目标题）</translation>
    </message>
    <message>
        <location filename="../export/cli.py" line="43" />
        <source>subtitle</source>
        <translation>副标题</translation>
    </message>
    <message>
        <location filename="../export/cli.py" line="45" />
        <source>map extent 'minx,miny,maxx,maxy' in the project CRS (default: saved view)</source>
        <translation>地图范围 'minx,miny,maxx,maxy'，项目坐标参考系（默认：保存的视图）</translation>
    </message>
    <message>
        <location filename="../export/cli.py" line="47" />
        <source>free text printed on the page and in the report</source>
        <translation>印在页面和简报中的自由文本</translation>
    </message>
    <message>
        <location filename="../export/cli.py" line="48" />
        <source>data sources line (default: from the layers)</source>
        <translation>数据来源行（默认：取自图层）</translation>
    </message>
    <message>
        <location filename="../export/cli.py" line="49" />
        <source>date shown (default: today)</source>
        <translation>显示的日期（默认：今天）</translation>
    </message>
    <message>
        <location filename="../export/cli.py" line="50" />
        <source>web map</source>
        <translation>网页地图</translation>
    </message>
    <message>
        <location filename="../export/cli.py" line="51" />
        <source>interactive map file: .html</source>
        <translation>交互式地图文件：.html</translation>
    </message>
    <message>
        <location filename="../export/cli.py" line="53" />
        <source>popup fields of a layer (repeatable)</source>
        <translation>图层的弹窗字段（可重复）</translation>
    </message>
    <message>
        <location filename="../export/cli.py" line="55" />
        <source>link Leaflet from a CDN instead of inlining it (smaller, needs internet)</source>
        <translation>从 CDN 链接 Leaflet 而不内嵌（文件更小，需联网）</translation>
    </message>
    <message>
        <location filename="../export/cli.py" line="58" />
        <source>do not offer the online basemap layer</source>
        <translation>不提供在线底图图层</translation>
    </message>
    <message>
        <location filename="../export/cli.py" line="59" />
        <source>briefing report: .pdf or .html</source>
        <translation>简报：.pdf 或 .html</translation>
    </message>
    <message>
        <location filename="../export/cli.py" line="61" />
        <source>QGIS project: .qgz (layers, order, visibility, styles, CRS, extent); layers not linked to an unchanged file are written beside it</source>
        <translation>QGIS 项目：.qgz（图层、顺序、可见性、样式、坐标参考系、范围）；未关联到未修改文件的图层写在其旁边</translation>
    </message>
    <message>
        <location filename="../export/cli.py" line="73" />
        <source>--extent {text}: expected four numbers minx,miny,maxx,maxy</source>
        <translation>--extent {text}：应为四个数字 minx,miny,maxx,maxy</translation>
    </message>
    <message>
        <location filename="../export/cli.py" line="76" />
        <source>--extent {text}: expected minx,miny,maxx,maxy with minx &lt; maxx and miny &lt; maxy</source>
        <translation>--extent {text}：应为 minx,miny,maxx,maxy，且 minx &lt; maxx、miny &lt; maxy</translation>
    </message>
    <message>
        <location filename="../export/cli.py" line="86" />
        <source>--fields {entry}: expected LAYER=FIELD,FIELD</source>
        <translation>--fields {entry}：应为 图层=字段,字段</translation>
    </message>
    <message>
        <location filename="../export/cli.py" line="93" />
        <source>nothing to export; give --out, --web, --report and/or --qgz</source>
        <translation>没有可导出的内容；请给出 --out、--web、--report 和/或 --qgz</translation>
    </message>
    <message>
        <location filename="../export/cli.py" line="114" />
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../../plugins/cli.py" line="62" />
        <source>list the processing algorithms</source>
        <translation>列出处理算法</translation>
    </message>
    <message>
        <location filename="../../plugins/cli.py" line="63" />
        <source>print the list as JSON</source>
        <translation>以 JSON 输出列表</translation>
    </message>
    <message>
        <location filename="../../plugins/cli.py" line="66" />
        <source>describe an algorithm and its parameters</source>
        <translation>说明算法及其参数</translation>
    </message>
    <message>
        <location filename="../../plugins/cli.py" line="74" />
        <location filename="../../plugins/cli.py" line="67" />
        <source>algorithm id, e.g. tools.buffer</source>
        <translation>算法标识，例如 tools.buffer</translation>
    </message>
    <message>
        <location filename="../../plugins/cli.py" line="71" />
        <source>run an algorithm and write its outputs to files</source>
        <translation>运行算法并将输出写入文件</translation>
    </message>
    <message>
        <location filename="../../plugins/cli.py" line="75" />
        <source>--PARAMETER VALUE pairs</source>
        <translation>--参数 值 对</translation>
    </message>
    <message>
        <location filename="../../plugins/cli.py" line="89" />
        <location filename="../../plugins/cli.py" line="82" />
        <source>warning: {message}</source>
        <translation>警告：{message}</translation>
    </message>
    <message>
        <location filename="../../plugins/cli.py" line="89" />
        <source>error: {message}</source>
        <translation>错误：{message}</translation>
    </message>
    <message>
        <location filename="../../plugins/cli.py" line="121" />
        <source>Options of 'run': --project FILE (layer names), --save (record the run in the project), --output-dir DIR, --OUTPUTNAME PATH, --overwrite, --workers N, --dask-scheduler ADDRESS</source>
        <translation>'run' 的选项：--project FILE（按图层名称）、--save（将运行记录到项目中）、--output-dir DIR、--OUTPUTNAME PATH、--overwrite、--workers N、--dask-scheduler ADDRESS</translation>
    </message>
    <message>
        <location filename="../../plugins/cli.py" line="132" />
        <source>parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <location filename="../../plugins/cli.py" line="143" />
        <source>outputs (default: OUTPUTNAME.&lt;ext&gt; in --output-dir)</source>
        <translation>输出（默认：--output-dir 中的 OUTPUTNAME.&lt;ext&gt;）</translation>
    </message>
    <message>
        <location filename="../../plugins/cli.py" line="150" />
        <source>run options</source>
        <translation>运行选项</translation>
    </message>
    <message>
        <location filename="../../plugins/cli.py" line="152" />
        <source>a .lamp project whose layer names parameters may use</source>
        <translation>.lamp 项目，参数可使用其中的图层名称</translation>
    </message>
    <message>
        <location filename="../../plugins/cli.py" line="154" />
        <source>record the run in the --project file (history, outputs as layers), as the workbench does, so its report and web map show it</source>
        <translation>像工作台一样将运行记录到 --project 文件中（历史记录，输出作为图层），使其简报和网页地图包含此次运行</translation>
    </message>
    <message>
        <location filename="../../plugins/cli.py" line="157" />
        <source>folder for outputs without a path</source>
        <translation>未给出路径的输出所在文件夹</translation>
    </message>
    <message>
        <location filename="../../plugins/cli.py" line="159" />
        <source>replace output files that already exist</source>
        <translation>替换已存在的输出文件</translation>
    </message>
    <message>
        <location filename="../../plugins/cli.py" line="160" />
        <source>worker threads/processes for the algorithm</source>
        <translation>算法使用的工作线程/进程数</translation>
    </message>
    <message>
        <location filename="../../plugins/cli.py" line="162" />
        <source>a dask.distributed scheduler to use</source>
        <translation>要使用的 dask.distributed 调度器</translation>
    </message>
    <message>
        <location filename="../../plugins/cli.py" line="183" />
        <source>output '{output}': {file} must end in {extensions}</source>
        <translation>输出 '{output}'：{file} 的扩展名必须为 {extensions}</translation>
    </message>
    <message>
        <location filename="../../plugins/cli.py" line="185" />
        <source> or </source>
        <translation> 或 </translation>
    </message>
    <message>
        <location filename="../../plugins/cli.py" line="187" />
        <source>output '{output}': {path} already exists; use --overwrite or another path</source>
        <translation>输出 '{output}'：{path} 已存在；请使用 --overwrite 或换一个路径</translation>
    </message>
    <message>
        <location filename="../../plugins/cli.py" line="203" />
        <source>name an algorithm: main.py run ALGORITHM --PARAMETER VALUE ... ('main.py list')</source>
        <translation>请指定算法：main.py run ALGORITHM --PARAMETER VALUE ...（见 'main.py list'）</translation>
    </message>
    <message>
        <location filename="../../plugins/cli.py" line="220" />
        <source>--save records the run in a project: give the project with --project FILE</source>
        <translation>--save 会将运行记录到项目中：请用 --project FILE 指定项目</translation>
    </message>
    <message>
        <location filename="../../plugins/cli.py" line="235" />
        <source>the run succeeded but its outputs could not be written: {problem}</source>
        <translation>运行成功，但无法写入输出：{problem}</translation>
    </message>
    <message>
        <location filename="../../plugins/cli.py" line="245" />
        <source>the outputs were written but the project could not be saved: {problem}</source>
        <translation>输出已写入，但无法保存项目：{problem}</translation>
    </message>
    <message>
        <location filename="../../plugins/cli.py" line="318" />
        <source>cancelled: no outputs were written</source>
        <translation>已取消：未写入任何输出</translation>
    </message>
    <message>
        <location filename="../../plugins/cli.py" line="329" />
        <source>algorithm {algorithm} failed unexpectedly ({problem}); this is a bug in the algorithm, not in your parameters. Details for a bug report:</source>
        <translation>算法 {algorithm} 意外失败（{problem}）；这是算法的缺陷，不是您的参数问题。以下详情可用于提交缺陷报告：</translation>
    </message>
    <message>
        <location filename="../../plugins/cli.py" line="347" />
        <source>output '{output}': cannot create the folder {folder} ({reason})</source>
        <translation>输出 '{output}'：无法创建文件夹 {folder}（{reason}）</translation>
    </message>
    <message>
        <location filename="../../plugins/cli.py" line="358" />
        <source>output '{output}': {path} could not be written ({reason})</source>
        <translation>输出 '{output}'：无法写入 {path}（{reason}）</translation>
    </message>
    <message>
        <location filename="../../plugins/field_mapping_cli.py" line="32" />
        <source>suggest (or check) how a layer's fields map to a kind</source>
        <translation>建议（或检查）图层字段如何映射到图层类型</translation>
    </message>
    <message>
        <location filename="../../plugins/field_mapping_cli.py" line="33" />
        <source>the data file, e.g. poles.gpkg</source>
        <translation>数据文件，例如 poles.gpkg</translation>
    </message>
    <message>
        <location filename="../../plugins/field_mapping_cli.py" line="34" />
        <source>the layer inside a multi-layer file</source>
        <translation>多图层文件中的图层</translation>
    </message>
    <message>
        <location filename="../../plugins/field_mapping_cli.py" line="36" />
        <source>the target kind (guessed from the fields otherwise)</source>
        <translation>目标图层类型（否则根据字段推测）</translation>
    </message>
    <message>
        <location filename="../../plugins/field_mapping_cli.py" line="38" />
        <source>save the suggested mapping there</source>
        <translation>将建议的映射保存到此处</translation>
    </message>
    <message>
        <location filename="../../plugins/field_mapping_cli.py" line="40" />
        <source>check a saved mapping against the file instead</source>
        <translation>改为对照文件检查已保存的映射</translation>
    </message>
    <message>
        <location filename="../../lamplight/cli.py" line="33" />
        <source>Lamplight: 5G small cells on smart lamp poles.</source>
        <translation>Lamplight：智慧灯杆上的 5G 微基站规划。</translation>
    </message>
    <message>
        <location filename="../../lamplight/cli.py" line="34" />
        <source>Without a command the workbench opens, on the Tianhe sample project when it exists.</source>
        <translation>不带命令时打开工作台（如有天河示例项目则打开该项目）。</translation>
    </message>
    <message>
        <location filename="../../lamplight/cli.py" line="36" />
        <source>interface language, e.g. zh_CN or en (default: the locale, as LANG=zh_CN.UTF-8)</source>
        <translation>界面语言，例如 zh_CN 或 en（默认：取系统区域设置，如 LANG=zh_CN.UTF-8）</translation>
    </message>
    <message>
        <location filename="../../lamplight/cli.py" line="39" />
        <source>open a project in the workbench</source>
        <translation>在工作台中打开项目</translation>
    </message>
    <message>
        <location filename="../../lamplight/cli.py" line="40" />
        <source>a .lamp project file</source>
        <translation>.lamp 项目文件</translation>
    </message>
    <message>
        <location filename="../../lamplight/warmup.py" line="27" />
        <source>compile the fast kernels now (once after installing)</source>
        <translation>立即编译快速计算内核（安装后执行一次）</translation>
    </message>
    <message>
        <location filename="../../lamplight/warmup.py" line="29" />
        <source>kernel groups to compile: {groups} (default: all)</source>
        <translation>要编译的内核组：{groups}（默认：全部）</translation>
    </message>
    <message>
        <location filename="../../lamplight/warmup.py" line="32" />
        <source>compile even the groups already compiled</source>
        <translation>即使已编译也重新编译</translation>
    </message>
    <message>
        <location filename="../../lamplight/samples.py" line="47" />
        <source>this installation of Lamplight has no sample data (lamplight/sample_data is missing); reinstall the wheel</source>
        <translation>此 Lamplight 安装没有示例数据（缺少 lamplight/sample_data）；请重新安装 wheel 包</translation>
    </message>
    <message>
        <location filename="../../lamplight/samples.py" line="51" />
        <source>{path}: is a file, not a folder</source>
        <translation>{path}：是文件，不是文件夹</translation>
    </message>
    <message>
        <location filename="../../lamplight/samples.py" line="54" />
        <source>{path}: already holds {files}; use --overwrite to replace them</source>
        <translation>{path}：已有 {files}；如需替换请使用 --overwrite</translation>
    </message>
    <message>
        <location filename="../../lamplight/samples.py" line="64" />
        <source>write the Tianhe sample project into a folder</source>
        <translation>将天河示例项目写入文件夹</translation>
    </message>
    <message>
        <location filename="../../lamplight/samples.py" line="65" />
        <source>Copy the synthetic Tianhe CBD sample (project, GeoPackage, building heights) into FOLDER, to open or run algorithms on.</source>
        <translation>将合成的天河 CBD 示例（项目、GeoPackage、建筑高度）复制到 FOLDER，以便打开或运行算法。</translation>
    </message>
    <message>
        <location filename="../../lamplight/samples.py" line="68" />
        <source>folder to write into (created if missing)</source>
        <translation>写入的文件夹（不存在时创建）</translation>
    </message>
    <message>
        <location filename="../../lamplight/samples.py" line="70" />
        <source>replace sample files already in the folder</source>
        <translation>替换文件夹中已有的示例文件</translation>
    </message>
</context><context>
    <name>Clip</name>
    <message>
        <location filename="../../plugins/tools/clip.py" line="29" />
        <source>Input layer</source>
        <translation>输入图层</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/clip.py" line="30" />
        <source>Clip polygons</source>
        <translation>裁剪多边形</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/clip.py" line="34" />
        <source>Clipped features</source>
        <translation>裁剪后的要素</translation>
    </message>
</context><context>
    <name>ColourButton</name>
    <message>
        <location filename="../dialogs/style_editor.py" line="96" />
        <source>Choose colour</source>
        <translation>选择颜色</translation>
    </message>
</context><context>
    <name>ComparisonDialog</name>
    <message>
        <location filename="../docks/scenarios.py" line="418" />
        <source>Compare “{a}” and “{b}”</source>
        <translation>比较“{a}”与“{b}”</translation>
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="421" />
        <source>Sites</source>
        <translation>站点</translation>
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="422" />
        <source>Cost</source>
        <translation>成本</translation>
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="423" />
        <source>People covered</source>
        <translation>覆盖人口</translation>
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="424" />
        <source>People covered (%)</source>
        <translation>覆盖人口（%）</translation>
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="425" />
        <source>{measure} covered (%)</source>
        <translation>{measure}覆盖率（%）</translation>
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="427" />
        <source>Sites only in this scenario</source>
        <translation>仅在此方案中的站点</translation>
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="428" />
        <source>Sites in both</source>
        <translation>两个方案共有的站点</translation>
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="431" />
        <source>Figure</source>
        <translation>指标</translation>
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="431" />
        <source>B − A</source>
        <translation>B − A</translation>
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="439" />
        <source>Cost per 1,000 more people (B over A)</source>
        <translation>每多覆盖 1,000 人的成本（B 相对 A）</translation>
    </message>
</context><context>
    <name>CountPointsInPolygons</name>
    <message>
        <location filename="../../plugins/tools/count_points.py" line="28" />
        <source>Polygons</source>
        <translation>多边形</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/count_points.py" line="29" />
        <source>Points</source>
        <translation>点</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/count_points.py" line="30" />
        <source>Field to sum</source>
        <translation>求和字段</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/count_points.py" line="34" />
        <source>Polygons with counts</source>
        <translation>带计数的多边形</translation>
    </message>
</context><context>
    <name>CoverageBudget</name>
    <message>
        <location filename="../../plugins/coverage/budget.py" line="36" />
        <source>use a coarser resolution, a smaller extent, a shorter maximum radius or fewer transmitters</source>
        <extracomment>What to change, shown with every refusal.</extracomment>
        <translation>采用更粗的分辨率、更小的范围、更短的最大半径或更少的发射机</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/budget.py" line="74" />
        <source>{transmitters:,} transmitters x {cells} cells at {res:g} m within {radius:,.0f} m</source>
        <translation>{transmitters:,} 个发射机 × {cells} 个 {res:g} m 单元（{radius:,.0f} m 以内）</translation>
    </message>
</context><context>
    <name>CoverageCalibrate</name>
    <message>
        <location filename="../../plugins/coverage/calibrate_algorithm.py" line="92" />
        <source>fewer than 10 {scope} measurements: the {scope} offset and slope are left as they were</source>
        <translation>{scope} 实测值少于 10 个：{scope} 的偏移和斜率保持不变</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/calibrate_algorithm.py" line="99" />
        <source>the fit lies outside the RF profile's bounds ({problem}); check the measurements' cell ids and units</source>
        <translation>拟合结果超出射频配置的允许范围（{problem}）；请检查实测数据的小区编号和单位</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/calibrate_algorithm.py" line="105" />
        <source>saved in the project's RF profile '{name}'</source>
        <translation>已保存到项目的射频配置“{name}”</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/calibrate_algorithm.py" line="54" />
        <source>Transmitters (lamp poles or 5G sites)</source>
        <translation>发射机（灯杆或 5G 基站）</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/calibrate_algorithm.py" line="55" />
        <source>Measurements (points)</source>
        <translation>实测数据（点）</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/calibrate_algorithm.py" line="56" />
        <source>Measured RSRP field (dBm)</source>
        <translation>实测 RSRP 字段 (dBm)</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/calibrate_algorithm.py" line="57" />
        <source>Serving cell or site id field</source>
        <translation>服务小区或站点编号字段</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/calibrate_algorithm.py" line="58" />
        <source>Buildings (footprints with height_m)</source>
        <translation>建筑（带 height_m 的轮廓）</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/calibrate_algorithm.py" line="60" />
        <source>Building grid resolution</source>
        <translation>建筑网格分辨率</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/calibrate_algorithm.py" line="62" />
        <source>Path-loss model</source>
        <translation>路径损耗模型</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/calibrate_algorithm.py" line="64" />
        <source>Save in the project's RF profile</source>
        <translation>保存到项目的射频配置</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/calibrate_algorithm.py" line="65" />
        <source>Also write the calibration to (JSON)</source>
        <translation>同时将校准结果写入 (JSON)</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/calibrate_algorithm.py" line="70" />
        <source>Error before and after, overall and per LOS class</source>
        <translation>校准前后的误差（总体及按视距类别）</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/calibrate_algorithm.py" line="71" />
        <source>Error before and after per site</source>
        <translation>各站点校准前后的误差</translation>
    </message>
</context><context>
    <name>CoverageCalibration</name>
    <message>
        <location filename="../../plugins/coverage/calibration.py" line="81" />
        <source>has no field '{field}' (fields: {fields})</source>
        <translation>没有字段 '{field}'（现有字段：{fields}）</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/calibration.py" line="86" />
        <source>field '{field}' holds text, not RSRP in dBm (e.g. {example!r}); give a numeric field</source>
        <translation>字段 '{field}' 存放的是文本，而非以 dBm 计的 RSRP（例如 {example!r}）；请提供数值字段</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/calibration.py" line="99" />
        <source>{count:,} measurements without a location, RSRP or cell left out</source>
        <translation>已剔除 {count:,} 个缺少位置、RSRP 或小区的实测值</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/calibration.py" line="108" />
        <source>field '{field}': {count:,} measurements name cells that are not in the transmitters ({ids}); give the cell or site ids of the transmitters layer</source>
        <translation>字段 '{field}'：有 {count:,} 个实测值所指的小区不在发射机中（{ids}）；请使用发射机图层的小区或站点编号</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/calibration.py" line="114" />
        <source>field '{field}' has no measurement to calibrate with</source>
        <translation>字段 '{field}' 中没有可用于校准的实测值</translation>
    </message>
</context><context>
    <name>CoverageCluster</name>
    <message>
        <location filename="../../plugins/coverage/cluster.py" line="50" />
        <source>cannot reach the Dask scheduler at {address} ({problem}): start it with 'dask scheduler' and check the address and port</source>
        <translation>无法连接位于 {address} 的 Dask 调度器（{problem}）：请用 'dask scheduler' 启动它，并检查地址和端口</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/cluster.py" line="62" />
        <source>the Dask scheduler at {address} has no workers: start them with 'dask worker {address}' where the same Lamplight wheel (version {version}) is installed</source>
        <translation>位于 {address} 的 Dask 调度器没有工作进程：请在安装了相同 Lamplight wheel 包（版本 {version}）的机器上用 'dask worker {address}' 启动它们</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/cluster.py" line="77" />
        <source>the Dask workers at {workers} cannot import Lamplight ({reason}): install the same Lamplight wheel (version {version}) on every worker, e.g. 'pip install lamplight-{version}-py3-none-any.whl', and restart them</source>
        <translation>位于 {workers} 的 Dask 工作进程无法导入 Lamplight（{reason}）：请在每个工作节点上安装相同的 Lamplight wheel 包（版本 {version}），例如 'pip install lamplight-{version}-py3-none-any.whl'，然后重启它们</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/cluster.py" line="83" />
        <source>the Dask workers at {workers} run Lamplight {theirs}, this computer {version}: install the same Lamplight wheel (version {version}) on every worker and restart them</source>
        <translation>位于 {workers} 的 Dask 工作进程运行的是 Lamplight {theirs}，本机为 {version}：请在每个工作节点上安装相同的 Lamplight wheel 包（版本 {version}）并重启它们</translation>
    </message>
</context><context>
    <name>CoverageConfig</name>
    <message>
        <location filename="../../plugins/coverage/config.py" line="96" />
        <source>subcarrier spacing {scs:g} kHz is not used in {band}; choose one of {choices} kHz</source>
        <translation>{band} 不使用 {scs:g} kHz 子载波间隔；请从 {choices} kHz 中选择</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/config.py" line="102" />
        <source>{bandwidth:g} MHz is not a {band} channel bandwidth at {scs} kHz; choose one of {choices} MHz</source>
        <translation>{bandwidth:g} MHz 不是 {scs} kHz 子载波间隔下的 {band} 信道带宽；请从 {choices} MHz 中选择</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/config.py" line="168" />
        <source>unknown path-loss model '{model}'; choose one of {choices}</source>
        <translation>未知的路径损耗模型 '{model}'；请从 {choices} 中选择</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/config.py" line="172" />
        <source>unknown model '{model}'; choose one of {choices}</source>
        <translation>未知的模型 '{model}'；请从 {choices} 中选择</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/config.py" line="176" />
        <source>{frequency:g} MHz is outside 0.5-100 GHz, the range of the 3GPP TR 38.901 models; use model 'free_space'</source>
        <translation>{frequency:g} MHz 超出 0.5-100 GHz，即 3GPP TR 38.901 模型的适用范围；请使用模型 'free_space'</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/config.py" line="180" />
        <source>{height:g} m is outside 1.5-22.5 m, the UE heights for which TR 38.901 UMi/UMa are valid (below 1.5 m the breakpoint distance collapses and line-of-sight loss is overstated)</source>
        <translation>{height:g} m 超出 1.5-22.5 m，即 TR 38.901 UMi/UMa 适用的终端高度（低于 1.5 m 时断点距离失效，视距损耗被高估）</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/config.py" line="185" />
        <source>{probability:g} is outside 0.5-1 (0.5 is the median, 0.9 a usual cell-edge design target)</source>
        <translation>{probability:g} 超出 0.5-1（0.5 为中值，0.9 为常用的小区边缘设计目标）</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/config.py" line="189" />
        <source>{reach:g} m is outside 0-{maximum:g} m (0 switches the street-corner term off)</source>
        <translation>{reach:g} m 超出 0-{maximum:g} m（0 表示关闭街角绕射项）</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/config.py" line="193" />
        <source>the load factor must lie in 0-1 and every σ be 0 dB or more</source>
        <translation>负载因子必须在 0-1 之间，且每个 σ 不小于 0 dB</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/config.py" line="204" />
        <source>must be a positive number, got {value!r}</source>
        <translation>必须为正数，实际为 {value!r}</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/config.py" line="210" />
        <source>must be a finite number, got {value!r}</source>
        <translation>必须为有限数，实际为 {value!r}</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/config.py" line="213" />
        <source>must be at most 360° (vertical_beamwidth_deg at most 180°)</source>
        <translation>不得超过 360°（vertical_beamwidth_deg 不得超过 180°）</translation>
    </message>
</context><context>
    <name>CoverageDiagnostics</name>
    <message>
        <location filename="../../plugins/coverage/diagnostics.py" line="90" />
        <source>the building heights cover only {cover:.0f} % of the output grid: outside them the ground is taken as open and every link as line of sight, so the rim of the map reads optimistic; give building data for the whole extent or a smaller extent</source>
        <translation>建筑高度只覆盖输出栅格的 {cover:.0f} %：其范围之外按开阔地面处理，所有链路视为视距，因此地图边缘结果偏乐观；请提供覆盖整个范围的建筑数据，或缩小范围</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/diagnostics.py" line="100" />
        <source>a single cell</source>
        <translation>单个小区</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/diagnostics.py" line="101" />
        <source>cells alone in their co-channel sets</source>
        <translation>同频组中仅有自身的小区</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/diagnostics.py" line="102" />
        <source>SINR of {what}: nothing interferes, so the SINR is the signal-to-noise ratio; median {median:.1f} dB, {below:.0f} % of the served area below 0 dB (noise-limited)</source>
        <translation>{what}的 SINR：没有干扰，因此 SINR 即信噪比；中位数 {median:.1f} dB，{below:.0f} % 的服务面积低于 0 dB（噪声受限）</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/diagnostics.py" line="107" />
        <source>at {load:g} % load</source>
        <translation>（{load:g} % 负载）</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/diagnostics.py" line="109" />
        <source>at full load: every other cell on the carrier transmits on every resource element</source>
        <translation>（满负荷：同载波的其他所有小区在每个资源粒子上发射）</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/diagnostics.py" line="111" />
        <source>SINR {load} ({cells:,} cells on the {frequency:g} MHz carrier, interfering within {reach} m); median {median:.1f} dB, {below:.0f} % of the served area below 0 dB</source>
        <translation>SINR{load}（{frequency:g} MHz 载波上 {cells:,} 个小区，干扰范围 {reach} m）：中位数 {median:.1f} dB，{below:.0f} % 的服务面积低于 0 dB</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/diagnostics.py" line="117" />
        <source>. This is the worst case of every cell built and fully loaded: with many co-channel cells overlapping, interference dominates. For the SINR of a rollout, run the coverage of the selected sites only</source>
        <translation>。这是所有小区均建成且满负荷的最坏情况：大量同频小区重叠时，干扰占主导。如需分期建设的 SINR，请只对已选站点运行覆盖分析</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/diagnostics.py" line="126" />
        <source>in {share:g} % of the served cells a cell beyond the {radius:g} m maximum radius is received stronger than the best server: it counts as interference there; raise max_radius to let it serve</source>
        <translation>在 {share:g} % 的已服务单元中，超出最大半径 {radius:g} m 的小区接收信号强于最优服务小区：在此将其计为干扰；调大 max_radius 可让其参与服务</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/diagnostics.py" line="133" />
        <source>the area covered beyond it is left out</source>
        <translation>其外的覆盖面积未计入</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/diagnostics.py" line="135" />
        <source>the area covered and the interference beyond it are left out</source>
        <translation>其外的覆盖面积和干扰未计入</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/diagnostics.py" line="136" />
        <source>the {radius:g} m maximum radius cuts the map: {share:.0f} % of the cells at the edge of reach still have RSRP &gt;= {threshold:g} dBm (up to {best:.1f} dBm), so {left_out}; raise max_radius for a complete map</source>
        <translation>{radius:g} m 最大半径截断了地图：覆盖边缘有 {share:.0f} % 的单元 RSRP 仍 &gt;= {threshold:g} dBm（最高 {best:.1f} dBm），因此{left_out}；如需完整地图请调大 max_radius</translation>
    </message>
</context><context>
    <name>CoverageGrid</name>
    <message>
        <location filename="../../plugins/coverage/grid.py" line="38" />
        <source>resolution must be a positive number of metres, got {res!r}</source>
        <translation>分辨率必须为正的米数，实际为 {res!r}</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/grid.py" line="46" />
        <source>the grid would have {cells:,} cells ({cols} x {rows} at {res:g} m); use a coarser resolution or a smaller extent (at most {maximum:,} cells)</source>
        <translation>栅格将有 {cells:,} 个单元（{cols} x {rows}，分辨率 {res:g} m）；请使用更粗的分辨率或更小的范围（最多 {maximum:,} 个单元）</translation>
    </message>
</context><context>
    <name>CoverageInterference</name>
    <message>
        <location filename="../../plugins/coverage/interference.py" line="94" />
        <source>all cells</source>
        <translation>全部小区</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/interference.py" line="143" />
        <source>interference counted out to {low:,.0f}-{high:,.0f} m per cell (where its line-of-sight signal falls {below:g} dB below the noise), serving within {serving:,.0f} m; {sets} co-channel set(s): {labels}</source>
        <translation>每个小区的干扰计算到 {low:,.0f}-{high:,.0f} m（其视距信号低于噪声 {below:g} dB 处），服务范围 {serving:,.0f} m 以内；{sets} 个同频组：{labels}</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/interference.py" line="150" />
        <source>the interference radius was cut to {cap:,.0f} m to keep the work within a few times the serving pass; cells farther away are left out of the SINR, which may read slightly optimistic; set interference_radius for a longer one</source>
        <translation>干扰半径已截断为 {cap:,.0f} m，使计算量保持在服务计算的几倍以内；更远的小区未计入 SINR，结果可能略偏乐观；如需更大半径请设置 interference_radius</translation>
    </message>
</context><context>
    <name>CoverageObstruction</name>
    <message>
        <location filename="../../plugins/coverage/pairs.py" line="80" />
        <location filename="../../plugins/coverage/pairs.py" line="67" />
        <location filename="../../plugins/coverage/engine.py" line="75" />
        <source>transmitters</source>
        <translation>发射机</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/obstruction.py" line="47" />
        <source>has no coordinate reference system; coverage needs a projected CRS in metres</source>
        <translation>没有坐标参考系；覆盖分析需要以米为单位的投影坐标参考系</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/obstruction.py" line="50" />
        <source>is in geographic coordinates ({crs}); reproject it to a projected CRS in metres (e.g. the UTM zone) for coverage</source>
        <translation>使用地理坐标（{crs}）；请将其重投影到以米为单位的投影坐标参考系（例如 UTM 带）后再做覆盖分析</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/obstruction.py" line="76" />
        <source>no buildings or surface heights given: every link treated as line of sight</source>
        <translation>未提供建筑物或地表高度：所有链路均按视距处理</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/obstruction.py" line="90" />
        <source>has no field '{field}' with building heights in metres</source>
        <translation>没有存放建筑高度（米）的字段 '{field}'</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/obstruction.py" line="100" />
        <source>layer '{layer}': {note}</source>
        <translation>图层“{layer}”：{note}</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/obstruction.py" line="104" />
        <source>{field}: {count} buildings have a negative height</source>
        <translation>{field}：{count} 栋建筑物的高度为负</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/obstruction.py" line="113" />
        <source>layer '{layer}' has no building footprints: every link treated as line of sight</source>
        <translation>图层“{layer}”没有建筑物轮廓：所有链路均按视距处理</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/obstruction.py" line="134" />
        <source>is rotated or not north-up; warp it to a north-up grid first</source>
        <translation>有旋转或不是正北朝上；请先将其重采样到正北朝上的栅格</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/obstruction.py" line="140" />
        <source>has rectangular cells ({width:g} x {height:g} m); resample it to square cells first</source>
        <translation>像元为矩形（{width:g} x {height:g} m）；请先重采样为正方形像元</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/obstruction.py" line="153" />
        <source>raster '{layer}' has no cell at ground level (lowest {lowest:.1f} m): it looks like heights above sea level; coverage expects heights above ground (declare it as a DSM with a terrain model, or give a terrain model as terrain)</source>
        <translation>栅格“{layer}”没有位于地面高度的像元（最低 {lowest:.1f} m）：看起来是海拔高度；覆盖分析需要离地高度（请将其声明为 DSM 并提供地形模型，或将地形模型作为 terrain 提供）</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/obstruction.py" line="160" />
        <source>raster '{layer}': negative heights read as open ground</source>
        <translation>栅格“{layer}”：负高度按开阔地面处理</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/obstruction.py" line="194" />
        <source>the obstruction grid is in {grid} but the {what} are in {crs}; bring them into one CRS first</source>
        <translation>遮挡栅格位于 {grid}，而{what}位于 {crs}；请先将它们统一到同一坐标参考系</translation>
    </message>
</context><context>
    <name>CoverageOutputs</name>
    <message>
        <location filename="../../plugins/coverage/outputs.py" line="35" />
        <source>RSRP (dBm per RE)</source>
        <translation>RSRP（dBm/RE）</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/outputs.py" line="43" />
        <source>SINR (dB)</source>
        <translation>SINR（dB）</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/outputs.py" line="55" />
        <source>best server cell index</source>
        <translation>最优服务小区编号</translation>
    </message>
</context><context>
    <name>CoverageRsrp</name>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="64" />
        <source>Empty: the project's RF profile.</source>
        <translation>为空：取项目的射频配置。</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="306" />
        <source>{sites:,} of {features:,} sites, {cells:,} cells, grid {cols} x {rows} at {res:g} m, {rb} RB at {scs:g} kHz, noise {noise:.1f} dBm per RE</source>
        <translation>{features:,} 个站点中的 {sites:,} 个，{cells:,} 个小区，栅格 {cols} x {rows}（{res:g} m），{rb} 个 RB（{scs:g} kHz），噪声每 RE {noise:.1f} dBm</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="372" />
        <source>{links:,} links over {tiles} tiles in {seconds:.1f} s</source>
        <translation>{tiles} 个瓦片共 {links:,} 条链路，用时 {seconds:.1f} 秒</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="376" />
        <source>Coverage</source>
        <translation>覆盖范围</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="386" />
        <source>Best server</source>
        <translation>最优服务小区</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="429" />
        <source>is declared a DSM (ground included): give the terrain too, so that the ground can be told from what stands on it</source>
        <translation>被声明为 DSM（含地面）：请同时提供地形，以便区分地面与地面上的物体</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="475" />
        <location filename="../../plugins/coverage/algorithm.py" line="464" />
        <source>links (cell-transmitter pairs)</source>
        <translation>条链路（单元-发射机对）</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="522" />
        <source>is a terrain model (kind terrain) given as the height raster beside terrain '{name}'; give one terrain, and heights or a DSM as the height raster</source>
        <translation>是地形模型（图层类型 terrain），却作为高度栅格与地形“{name}”一起给出；请提供一个地形，并以高度或 DSM 作为高度栅格</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="116" />
        <source>Transmitters (lamp poles or 5G sites)</source>
        <translation>发射机（灯杆或 5G 基站）</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="117" />
        <source>Fields used when present: height_m, eirp_dbm, band_mhz, azimuths, beamwidth_deg, tilt_deg, status.</source>
        <translation>存在时使用的字段：height_m、eirp_dbm、band_mhz、azimuths、beamwidth_deg、tilt_deg、status。</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="119" />
        <source>Buildings (footprints with height_m)</source>
        <translation>建筑物（带 height_m 的轮廓）</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="121" />
        <source>Blocks radio paths (unless a height raster is given) and is counted in the statistics.</source>
        <translation>阻挡无线传播路径（除非提供了高度栅格），并计入统计。</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="123" />
        <source>Height raster (metres above ground)</source>
        <translation>高度栅格（离地高度，米）</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="124" />
        <source>A building-height / normalised DSM raster; used for line of sight instead of the buildings layer.</source>
        <translation>建筑高度 / 归一化 DSM 栅格；用于视距判断，替代建筑物图层。</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="127" />
        <source>The height raster holds</source>
        <translation>高度栅格内容</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="150" />
        <location filename="../../plugins/coverage/algorithm.py" line="128" />
        <source>Auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="129" />
        <source>Heights above ground</source>
        <translation>离地高度</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="130" />
        <source>DSM (ground included)</source>
        <translation>DSM（含地面高程）</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="131" />
        <source>auto: heights above ground, with a note when no cell is at ground level. A DSM (ground included) needs the terrain, which is subtracted from it.</source>
        <translation>auto：离地高度，若没有单元处于地面高度则给出提示。DSM（含地面）需要地形，将从中扣除地形。</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="133" />
        <source>Terrain (ground elevation, DEM)</source>
        <translation>地形（地面高程，DEM）</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="135" />
        <source>Ground elevation above sea level, in any CRS and resolution (resampled bilinearly to the obstruction grid). Line of sight then runs over ground + buildings, and antenna and receiver heights are above the local ground.</source>
        <translation>海拔地面高程，任意坐标参考系和分辨率（双线性重采样到遮挡网格）。视距据此在地面 + 建筑物之上计算，天线和接收机高度为相对当地地面的高度。</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="138" />
        <source>Building grid resolution</source>
        <translation>建筑网格分辨率</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="140" />
        <source>Cell size used to burn building footprints for line of sight.</source>
        <translation>栅格化建筑物轮廓以判断视距时使用的单元大小。</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="141" />
        <source>Demand (residents / workers)</source>
        <translation>需求（常住人口 / 就业人口）</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="142" />
        <source>Schools</source>
        <translation>学校</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="143" />
        <source>Path-loss model</source>
        <translation>路径损耗模型</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="144" />
        <source>auto: UMi below 20 m antenna height, UMa at or above.</source>
        <translation>auto：天线高度低于 20 m 用 UMi，20 m 及以上用 UMa。</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="145" />
        <source>Carrier frequency</source>
        <translation>载波频率</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="147" />
        <source>Channel bandwidth</source>
        <translation>信道带宽</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="149" />
        <source>Subcarrier spacing (kHz)</source>
        <translation>子载波间隔（kHz）</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="224" />
        <location filename="../../plugins/coverage/algorithm.py" line="166" />
        <location filename="../../plugins/coverage/algorithm.py" line="150" />
        <source>From the RF profile</source>
        <translation>取自射频配置</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="151" />
        <source>profile: the RF profile's spacing (with another frequency, as auto); auto: 30 kHz below 24.25 GHz, 120 kHz above.</source>
        <translation>profile：射频配置的间隔（频率不同时按 auto）；auto：24.25 GHz 以下 30 kHz，以上 120 kHz。</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="153" />
        <source>EIRP per cell (overrides the layer)</source>
        <translation>每小区 EIRP（优先于图层中的值）</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="156" />
        <source>Transmit power per cell</source>
        <translation>每小区发射功率</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="158" />
        <source>With the antenna gain, used instead of EIRP when EIRP is empty.</source>
        <translation>与天线增益一起，在 EIRP 为空时代替 EIRP 使用。</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="159" />
        <source>Antenna gain</source>
        <translation>天线增益</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="161" />
        <source>EIRP when the layer has none</source>
        <translation>图层无 EIRP 时的取值</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="163" />
        <source>Empty: the RF profile's EIRP of a micro cell (macro for 5G-site layers).</source>
        <translation>为空：取射频配置中微小区的 EIRP（5G 基站图层取宏站）。</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="164" />
        <source>Antennas of layers without azimuths</source>
        <translation>无方位角图层的天线</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="166" />
        <source>Omnidirectional</source>
        <translation>全向</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="167" />
        <source>2 sectors</source>
        <translation>2 扇区</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="167" />
        <source>3 sectors</source>
        <translation>3 扇区</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="168" />
        <source>Azimuth of the first sector</source>
        <translation>第一扇区的方位角</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="171" />
        <source>Horizontal beamwidth (layers without it)</source>
        <translation>水平波束宽度（无此字段的图层）</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="173" />
        <source>Downtilt (layers without it)</source>
        <translation>下倾角（无此字段的图层）</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="176" />
        <source>Receiver height</source>
        <translation>接收机高度</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="177" />
        <source>TR 38.901 is valid from 1.5 m.</source>
        <translation>TR 38.901 适用于 1.5 m 及以上。</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="178" />
        <source>Receiver noise figure</source>
        <translation>接收机噪声系数</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="180" />
        <source>RSRP threshold</source>
        <translation>RSRP 门限</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="183" />
        <source>Cell-edge location probability</source>
        <translation>小区边缘位置概率</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="185" />
        <source>Covered means RSRP minus the shadow-fading margin σ·Φ⁻¹(p) reaches the threshold; 0.5 = the median.</source>
        <translation>覆盖指 RSRP 减去阴影衰落余量 σ·Φ⁻¹(p) 达到门限；0.5 = 中位数。</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="187" />
        <source>Load of the interfering cells</source>
        <translation>干扰小区负载</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="188" />
        <source>1 = every cell transmits on every resource element.</source>
        <translation>1 = 每个小区在每个资源粒子上都发射。</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="190" />
        <source>Maximum radius</source>
        <translation>最大半径</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="192" />
        <source>Interference radius</source>
        <translation>干扰半径</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="194" />
        <source>Cells interfere out to this distance (never less than the maximum radius). Empty: per cell, where its line-of-sight signal falls 10 dB below the noise (at most 5 km).</source>
        <translation>在此距离内的小区计为干扰（不小于最大半径）。为空：按小区计算，取其视距信号降到噪声以下 10 dB 的距离（最多 5 km）。</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="197" />
        <source>Raster resolution</source>
        <translation>栅格分辨率</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="198" />
        <source>Extent</source>
        <translation>范围</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="199" />
        <source>Default: the transmitters' bounds grown by the maximum radius, cut to the height raster when one is given.</source>
        <translation>默认：发射机范围外扩最大半径，若提供了高度栅格则裁剪到其范围。</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="201" />
        <source>Street-corner reach</source>
        <translation>街角绕射范围</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="203" />
        <source>Outdoor cells out of sight take the ITU-R P.1411 street-canyon loss over their walking distance from a lit street, walked this far (further in: its continuation, or the NLOS formula where higher); 0 switches it off.</source>
        <translation>非视距的室外单元按其到视距街道的步行距离采用 ITU-R P.1411 街道峡谷损耗（街角损耗），最多沿街行进此距离（更远处：采用其延续公式，或在更高时采用非视距公式）；0 表示关闭。</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="207" />
        <source>Street turns (Berg)</source>
        <translation>街道转弯（伯格模型）</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="208" />
        <source>Outdoor cells out of sight take Berg's recursive street-canyon model over the best street path of up to two turns, where there is one, before the street-corner loss (needs a street-corner reach above 0).</source>
        <translation>视线之外的室外栅格在存在最多两次转弯的最佳街道路径时，采用伯格递归街道峡谷模型计算，优先于街角损耗（需要街角绕射范围大于 0）。</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="211" />
        <source>Facade reflections</source>
        <translation>建筑立面反射</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="212" />
        <source>Adds first-order reflections off building facades of 10 m or more (image method, concrete walls) to outdoor cells out of sight.</source>
        <translation>为处于非视距的室外单元叠加 10 m 及以上建筑立面的一阶反射（镜像法，混凝土墙面）。</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="214" />
        <source>Multiple facade reflections</source>
        <translation>建筑立面多次反射</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="215" />
        <source>With facade reflections, also adds the paths that bounce off two to four facades along the street canyons (rays launched from antennas below the roofs) to outdoor cells out of sight.</source>
        <translation>开启建筑立面反射时，还为视线之外的室外栅格叠加沿街道峡谷在两至四个立面间反射的路径（射线从低于屋顶的天线发出）。</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="218" />
        <source>Corner diffraction</source>
        <translation>建筑转角绕射</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="219" />
        <source>With multiple facade reflections, also adds the waves that bend round building corners (uniform theory of diffraction) to outdoor cells out of sight; where no reflection reaches, they replace the street-corner loss.</source>
        <translation>开启建筑立面多次反射时，还为视线之外的室外栅格叠加绕过建筑转角的绕射波（一致性绕射理论）；在没有反射路径到达之处，以其取代街角损耗。</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="222" />
        <source>Indoor (O2I) penetration loss</source>
        <translation>室内 (O2I) 穿透损耗</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="224" />
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="225" />
        <source>Low loss</source>
        <translation>低损耗</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="225" />
        <source>High loss</source>
        <translation>高损耗</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="226" />
        <source>Urban mix of low and high loss</source>
        <translation>城区高低损耗混合</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="227" />
        <source>3GPP TR 38.901 low- or high-loss building model for cells inside buildings; mix: the mean of the two (an urban 50/50 mix, the profile's default).</source>
        <translation>3GPP TR 38.901 建筑物内单元的低损耗或高损耗模型；mix：两者的平均值（城市 50/50 混合，配置默认值）。</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="233" />
        <source>Best-server RSRP (dBm per resource element)</source>
        <translation>最优服务小区 RSRP（每资源粒子 dBm）</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="234" />
        <source>Best-server cell index</source>
        <translation>最优服务小区编号</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="235" />
        <source>SINR (dB)</source>
        <translation>SINR（dB）</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="236" />
        <source>Area served above the threshold, per cell</source>
        <translation>各小区门限以上服务的面积</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="237" />
        <source>Shares covered</source>
        <translation>覆盖率</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="238" />
        <source>Demand served per site</source>
        <translation>各站点服务的需求</translation>
    </message>
    <message>
        <source>Outdoor cells out of sight within this walking distance of a lit street take the ITU-R P.1411 corner loss when it is lower than the NLOS formula's; 0 switches it off.</source>
        <translation type="vanished">在与有视距街道的步行距离不超过此值、且处于非视距的室外单元，若 ITU-R P.1411 街角损耗低于非视距公式的损耗，则取街角损耗；0 表示关闭。</translation>
    </message>
</context><context>
    <name>CoverageTransmitters</name>
    <message>
        <location filename="../../plugins/coverage/transmitters.py" line="122" />
        <source>has no features; coverage needs at least one transmitter</source>
        <translation>没有要素；覆盖分析至少需要一个发射机</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/transmitters.py" line="127" />
        <source>must hold points (transmitter locations)</source>
        <translation>必须是点（发射机位置）</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/transmitters.py" line="134" />
        <source>{count} features without a location left out</source>
        <translation>已剔除 {count} 个没有位置的要素</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/transmitters.py" line="139" />
        <source>has no transmitter on the carrier under study ({frequency:g} MHz, {bandwidth:g} MHz wide)</source>
        <translation>在所研究的载波（{frequency:g} MHz，带宽 {bandwidth:g} MHz）上没有发射机</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/transmitters.py" line="187" />
        <source>{count} antennas are not above {minimum:g} m ({listed}); antenna heights are metres above ground</source>
        <translation>{count} 个天线不高于 {minimum:g} m（{listed}）；天线高度为离地米数</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/transmitters.py" line="200" />
        <source>{field}: {count} empty values taken as {default:g}</source>
        <translation>{field}：{count} 个空值按 {default:g} 处理</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/transmitters.py" line="230" />
        <source>{count} removed sites left out</source>
        <translation>已剔除 {count} 个已拆除的站点</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/transmitters.py" line="241" />
        <source>band_mhz: {count} sites without a band taken to be on {frequency:g} MHz</source>
        <translation>band_mhz：{count} 个没有频段的站点按 {frequency:g} MHz 处理</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/transmitters.py" line="247" />
        <source>{count} sites on other bands ({others} MHz) left out of the {frequency:g} MHz carrier (they neither serve nor interfere on it; run the coverage again at their frequency for their map)</source>
        <translation>{count} 个其他频段（{others} MHz）的站点未计入 {frequency:g} MHz 载波（它们在此载波上既不服务也不干扰；如需其覆盖图，请按其频率重新运行覆盖分析）</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/transmitters.py" line="259" />
        <source>; its sites are on {bands} MHz</source>
        <translation>；其站点位于 {bands} MHz</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/transmitters.py" line="272" />
        <source>feature #{number} has {text!r}; expected comma-separated degrees or empty for omni</source>
        <translation>要素 #{number} 的值为 {text!r}；应为以逗号分隔的度数，全向天线留空</translation>
    </message>
</context><context>
    <name>CoverageValidity</name>
    <message>
        <location filename="../../plugins/coverage/validity.py" line="34" />
        <source>the maximum radius {radius:,.0f} m goes beyond the 5 km for which the TR 38.901 path-loss models were fitted; links longer than 5 km are extrapolated</source>
        <translation>最大半径 {radius:,.0f} m 超出了 TR 38.901 路径损耗模型拟合所用的 5 km；超过 5 km 的链路为外推结果</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/validity.py" line="43" />
        <source>{count:,} of {total:,} {model} cells have antennas at {lowest:g}-{highest:g} m, outside {low:g}-{high:g} m: the model assumes a base station at {nominal:g} m (TR 38.901 Table 7.4.1-1) and other heights change only d3D and the breakpoint distance, so read their loss as approximate</source>
        <translation>{total:,} 个 {model} 小区中有 {count:,} 个的天线高度为 {lowest:g}-{highest:g} m，超出 {low:g}-{high:g} m：该模型假设基站高度为 {nominal:g} m（TR 38.901 表 7.4.1-1），其他高度只改变 d3D 和断点距离，其损耗仅供参考</translation>
    </message>
</context><context>
    <name>CoveredFigures</name>
    <message>
        <location filename="../../plugins/figures.py" line="24" />
        <source>People covered</source>
        <translation>覆盖人口</translation>
    </message>
    <message>
        <location filename="../../plugins/figures.py" line="25" />
        <source>Weighted demand covered</source>
        <translation>覆盖的加权需求</translation>
    </message>
    <message>
        <location filename="../../plugins/figures.py" line="67" />
        <source>{people:,.0f} of {total:,.0f} ({measure})</source>
        <translation>{people:,.0f} / {total:,.0f}（{measure}）</translation>
    </message>
    <message>
        <location filename="../../plugins/figures.py" line="74" />
        <source>people x priority and existing-coverage weights: what siting optimises</source>
        <translation>人口 × 优先权重与现有覆盖权重：选址优化的目标</translation>
    </message>
</context><context>
    <name>CrsPicker</name>
    <message>
        <location filename="../dialogs/project_properties.py" line="94" />
        <source>Search by EPSG code or name, e.g. 4547 or CGCS2000 114E</source>
        <translation>按 EPSG 代码或名称搜索，例如 4547 或 CGCS2000 114E</translation>
    </message>
    <message>
        <location filename="../dialogs/project_properties.py" line="103" />
        <source>Reading the coordinate systems…</source>
        <translation>正在读取坐标系…</translation>
    </message>
    <message>
        <location filename="../dialogs/project_properties.py" line="139" />
        <source>{shown:,} of {total:,} coordinate systems</source>
        <translation>共 {total:,} 个坐标系，显示 {shown:,} 个</translation>
    </message>
</context><context>
    <name>CrsSearchDialog</name>
    <message>
        <location filename="../dialogs/project_properties.py" line="174" />
        <source>Choose a Coordinate System</source>
        <translation>选择坐标系</translation>
    </message>
</context><context>
    <name>Dashboard</name>
    <message>
        <location filename="../docks/dashboard.py" line="67" />
        <source>Residents</source>
        <extracomment>The coverage chart's bar names, one per measure of ``COVERED_MEASURES``.</extracomment>
        <translation>常住人口</translation>
    </message>
    <message>
        <location filename="../docks/dashboard.py" line="68" />
        <source>Workers</source>
        <translation>就业人口</translation>
    </message>
    <message>
        <location filename="../docks/dashboard.py" line="69" />
        <source>Schools</source>
        <translation>学校</translation>
    </message>
    <message>
        <location filename="../docks/dashboard.py" line="70" />
        <source>Buildings</source>
        <translation>建筑物</translation>
    </message>
    <message>
        <location filename="../docks/dashboard.py" line="71" />
        <source>Area</source>
        <translation>面积</translation>
    </message>
    <message>
        <location filename="../docks/dashboard.py" line="139" />
        <source>Features per layer</source>
        <translation>各图层要素数</translation>
    </message>
    <message>
        <location filename="../docks/dashboard.py" line="148" />
        <source>Lamp poles by status ({count})</source>
        <translation>按状态统计的灯杆（{count}）</translation>
    </message>
    <message>
        <location filename="../docks/dashboard.py" line="160" />
        <source>Covered (%)</source>
        <translation>覆盖率（%）</translation>
    </message>
    <message>
        <location filename="../docks/dashboard.py" line="170" />
        <source>sites</source>
        <translation>站点</translation>
    </message>
    <message>
        <location filename="../docks/dashboard.py" line="172" />
        <source>Coverage vs sites (%)</source>
        <translation>覆盖率与站点数（%）</translation>
    </message>
    <message>
        <location filename="../docks/dashboard.py" line="193" />
        <source>Layers</source>
        <extracomment>The figures at the top, by key (shown translated).</extracomment>
        <translation>图层</translation>
    </message>
    <message>
        <location filename="../docks/dashboard.py" line="193" />
        <source>Lamp poles</source>
        <translation>灯杆</translation>
    </message>
    <message>
        <location filename="../docks/dashboard.py" line="194" />
        <source>Sites selected</source>
        <translation>已选站点</translation>
    </message>
    <message>
        <location filename="../docks/dashboard.py" line="194" />
        <source>People covered</source>
        <translation>覆盖人口</translation>
    </message>
</context><context>
    <name>DashboardDock</name>
    <message>
        <location filename="../docks/dashboard.py" line="216" />
        <source>Dashboard</source>
        <translation>仪表板</translation>
    </message>
    <message>
        <location filename="../docks/dashboard.py" line="244" />
        <source>Add layers or run an analysis to see its numbers here.</source>
        <translation>添加图层或运行分析后，其数据显示在这里。</translation>
    </message>
    <message>
        <location filename="../docks/dashboard.py" line="298" />
        <source>Last run: {run}</source>
        <translation>上次运行：{run}</translation>
    </message>
    <message>
        <location filename="../docks/dashboard.py" line="300" />
        <source>No analysis run yet.</source>
        <translation>尚未运行分析。</translation>
    </message>
</context><context>
    <name>DecidePoles</name>
    <message>
        <location filename="../../layers/pole_decisions.py" line="39" />
        <source>Lock {count} pole(s) in '{layer}'</source>
        <translation>锁定“{layer}”中的 {count} 根灯杆</translation>
    </message>
    <message>
        <location filename="../../layers/pole_decisions.py" line="40" />
        <source>Exclude {count} pole(s) in '{layer}'</source>
        <translation>排除“{layer}”中的 {count} 根灯杆</translation>
    </message>
    <message>
        <location filename="../../layers/pole_decisions.py" line="41" />
        <source>Clear the decision of {count} pole(s) in '{layer}'</source>
        <translation>清除“{layer}”中 {count} 根灯杆的决定</translation>
    </message>
</context><context>
    <name>Demand</name>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="49" />
        <source>Buildings</source>
        <translation>建筑物</translation>
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="51" />
        <source>Buildings of unknown use count as</source>
        <translation>用途不明的建筑物计为</translation>
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="53" />
        <source>Residential</source>
        <translation>住宅</translation>
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="54" />
        <source>Office</source>
        <translation>办公</translation>
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="55" />
        <source>Ancillary (no people)</source>
        <translation>附属建筑（不计人口）</translation>
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="56" />
        <source>OSM's building=yes and empty types: most urban floor area is housing; 'ancillary' leaves them empty.</source>
        <translation>OSM 的 building=yes 和空类型：城市建筑面积大多为住宅；'ancillary'（附属）则将其留空。</translation>
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="58" />
        <source>Density factor</source>
        <translation>密度系数</translation>
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="59" />
        <source>Multiplies every default density, e.g. 1.2 where flats are smaller than the mean.</source>
        <translation>将每个默认密度相乘，例如在户型小于平均水平处取 1.2。</translation>
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="64" />
        <source>Demand from buildings</source>
        <translation>基于建筑物的需求</translation>
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="76" />
        <source>{m2:g} m² per person</source>
        <translation>每人 {m2:g} m²</translation>
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="77" />
        <source>no occupants</source>
        <translation>无人居住</translation>
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="78" />
        <source>{use}: {count:,} buildings, {area:,.0f} m² floor area, {rule}</source>
        <translation>{use}：{count:,} 栋建筑物，建筑面积 {area:,.0f} m²，{rule}</translation>
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="133" />
        <location filename="../../plugins/demand/algorithm.py" line="81" />
        <source>demand from {name}</source>
        <translation>来自 {name} 的需求</translation>
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="100" />
        <source>Population raster (people per cell)</source>
        <translation>人口栅格（每像元人口）</translation>
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="102" />
        <source>The cells count</source>
        <translation>像元计数的是</translation>
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="104" />
        <source>Residents</source>
        <translation>常住人口</translation>
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="105" />
        <source>Workers</source>
        <translation>就业人口</translation>
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="106" />
        <source>Buildings to share people among</source>
        <translation>分配人口的建筑物</translation>
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="111" />
        <source>Demand from population raster</source>
        <translation>基于人口栅格的需求</translation>
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="130" />
        <source>{people:,.0f} people in {cells:,} cells; {shared:,} cells shared among buildings</source>
        <translation>{cells:,} 个像元中共 {people:,.0f} 人；{shared:,} 个像元的人口分配给了建筑物</translation>
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="141" />
        <source>is rotated; warp it to a north-up grid first</source>
        <translation>是旋转的；请先将其重投影为正北朝上的网格</translation>
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="147" />
        <source>{count:,} cells hold negative people counts</source>
        <translation>{count:,} 个像元的人口数为负</translation>
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="151" />
        <source>has {count:,} populated cells, more than {limit:,}; clip it to the study area or aggregate it to coarser cells first</source>
        <translation>有 {count:,} 个有人口的像元，超过 {limit:,}；请先将其裁剪到研究区域或聚合为更粗的像元</translation>
    </message>
</context><context>
    <name>EditSave</name>
    <message>
        <location filename="../../layers/edit_save.py" line="51" />
        <source>has no file of its own; its edits are saved with the project</source>
        <translation>没有自己的文件；其编辑随项目一起保存</translation>
    </message>
    <message>
        <location filename="../../layers/edit_save.py" line="55" />
        <source>'{ext}' files cannot be rewritten safely in place; use Save Features As to write a GeoPackage</source>
        <translation>'{ext}' 文件无法安全地原地重写；请使用“要素另存为”写入 GeoPackage</translation>
    </message>
    <message>
        <location filename="../../layers/edit_save.py" line="59" />
        <source>the linked file no longer exists; use Save Features As</source>
        <translation>链接的文件已不存在；请使用“要素另存为”</translation>
    </message>
    <message>
        <location filename="../../layers/edit_save.py" line="74" />
        <source>could not be written ({reason}); the file is unchanged</source>
        <translation>无法写入（{reason}）；文件未改变</translation>
    </message>
</context><context>
    <name>EditSession</name>
    <message>
        <location filename="../editing/session.py" line="96" />
        <source>Only layers with features can be edited; choose one in the Layers panel</source>
        <translation>只有含要素的图层才能编辑；请在图层面板中选择一个</translation>
    </message>
    <message>
        <location filename="../editing/session.py" line="101" />
        <source>Editing “{name}”</source>
        <translation>正在编辑“{name}”</translation>
    </message>
    <message>
        <location filename="../editing/session.py" line="110" />
        <source>Stop Editing</source>
        <translation>停止编辑</translation>
    </message>
    <message>
        <location filename="../editing/session.py" line="111" />
        <source>Save the edits of “{name}”?</source>
        <translation>保存“{name}”的编辑吗？</translation>
    </message>
    <message>
        <location filename="../editing/session.py" line="138" />
        <source>Edits of “{name}” are followed by other changes ({step}); undo those first in the Undo History</source>
        <translation>“{name}”的编辑之后还有其他更改（{step}）；请先在撤销历史中撤销这些更改</translation>
    </message>
    <message>
        <location filename="../editing/session.py" line="149" />
        <source>Stopped editing “{name}”</source>
        <translation>已停止编辑“{name}”</translation>
    </message>
    <message>
        <location filename="../editing/session.py" line="174" />
        <source>The edit could not be made: {error}</source>
        <translation>无法进行该编辑：{error}</translation>
    </message>
    <message>
        <location filename="../editing/session.py" line="182" />
        <source>Toggle Editing on a layer first (Layers panel, right-click)</source>
        <translation>请先对图层切换编辑（图层面板，右键单击）</translation>
    </message>
    <message>
        <location filename="../editing/session.py" line="184" />
        <source>“{name}” is a raster and cannot be edited</source>
        <translation>“{name}”是栅格，无法编辑</translation>
    </message>
    <message>
        <location filename="../editing/session.py" line="201" />
        <source>Snapping is on, but no visible roads layer is in the project</source>
        <translation>捕捉已开启，但项目中没有可见的道路图层</translation>
    </message>
    <message>
        <location filename="../editing/session.py" line="214" />
        <source>“{name}” holds {family}s; points can be added and moved in point layers only</source>
        <translation>“{name}”包含{family}；只能在点图层中添加和移动点</translation>
    </message>
    <message>
        <location filename="../editing/session.py" line="226" />
        <source>Added a feature to “{name}”</source>
        <translation>已向“{name}”添加一个要素</translation>
    </message>
    <message>
        <location filename="../editing/session.py" line="236" />
        <source>Moved a feature of “{name}”</source>
        <translation>已移动“{name}”的一个要素</translation>
    </message>
    <message>
        <location filename="../editing/session.py" line="242" />
        <source> (snapped {distance:.1f} m onto a road)</source>
        <translation>（已捕捉到 {distance:.1f} m 外的道路上）</translation>
    </message>
    <message>
        <location filename="../editing/session.py" line="250" />
        <source>Select the features to delete first</source>
        <translation>请先选择要删除的要素</translation>
    </message>
    <message>
        <location filename="../editing/session.py" line="279" />
        <source>Select the features to calculate first</source>
        <translation>请先选择要计算的要素</translation>
    </message>
    <message>
        <location filename="../editing/session.py" line="282" />
        <source>“{name}” has no field '{field}'</source>
        <translation>“{name}”没有字段 '{field}'</translation>
    </message>
    <message>
        <location filename="../editing/session.py" line="309" />
        <source>“{name}” changed while '{field}' was calculated; run the calculation again</source>
        <translation>计算 '{field}' 期间“{name}”发生了变化；请重新运行计算</translation>
    </message>
    <message>
        <location filename="../editing/session.py" line="312" />
        <source>Calculated '{field}' for {count} features</source>
        <translation>已为 {count} 个要素计算 '{field}'</translation>
    </message>
    <message>
        <location filename="../editing/session.py" line="322" />
        <source>“{name}” has no file of its own: its edits are saved with the project</source>
        <translation>“{name}”没有自己的文件：其编辑随项目一起保存</translation>
    </message>
    <message>
        <location filename="../editing/session.py" line="327" />
        <source>Save Layer Edits</source>
        <translation>保存图层编辑</translation>
    </message>
    <message>
        <location filename="../editing/session.py" line="328" />
        <source>Overwrite the features of “{name}” in
{path}
with the edited ones? Other programs using this file will see the change.</source>
        <translation>用编辑后的要素覆盖
{path}
中“{name}”的要素吗？使用该文件的其他程序将看到此更改。</translation>
    </message>
    <message>
        <location filename="../editing/session.py" line="336" />
        <source>Writing “{name}” to {file}…</source>
        <translation>正在将“{name}”写入 {file}…</translation>
    </message>
    <message>
        <location filename="../editing/session.py" line="354" />
        <source>Edits of “{name}” not saved: {error}</source>
        <translation>“{name}”的编辑未保存：{error}</translation>
    </message>
    <message>
        <location filename="../editing/session.py" line="357" />
        <source>Saved the edits of “{name}” to {path}</source>
        <translation>已将“{name}”的编辑保存到 {path}</translation>
    </message>
</context><context>
    <name>EditValues</name>
    <message>
        <location filename="../../layers/edit_values.py" line="78" />
        <location filename="../../layers/edit_values.py" line="71" />
        <source>field '{field}': {value!r} is not a number</source>
        <translation>字段 '{field}'：{value!r} 不是数字</translation>
    </message>
    <message>
        <location filename="../../layers/edit_values.py" line="90" />
        <source>field '{field}': {value!r} is not yes or no</source>
        <translation>字段 '{field}'：{value!r} 不是“是”或“否”</translation>
    </message>
    <message>
        <location filename="../../layers/edit_values.py" line="102" />
        <source>field '{field}': {value!r} lists unknown items ({unknown}); allowed: {allowed}</source>
        <translation>字段 '{field}'：{value!r} 列出了未知项（{unknown}）；允许：{allowed}</translation>
    </message>
    <message>
        <location filename="../../layers/edit_values.py" line="113" />
        <source>field '{field}': {value!r} is not comma-separated degrees 0-360</source>
        <translation>字段 '{field}'：{value!r} 不是以逗号分隔的 0-360 度值</translation>
    </message>
    <message>
        <location filename="../../layers/edit_values.py" line="118" />
        <source>field '{field}': {value!r} is not one of {allowed}</source>
        <translation>字段 '{field}'：{value!r} 不是 {allowed} 之一</translation>
    </message>
    <message>
        <location filename="../../layers/edit_values.py" line="127" />
        <source>has no field '{field}'; the fields are: {fields}</source>
        <translation>没有字段 '{field}'；现有字段：{fields}</translation>
    </message>
    <message>
        <location filename="../../layers/edit_values.py" line="128" />
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../layers/edit_values.py" line="133" />
        <source>field '{field}' needs a value</source>
        <translation>字段 '{field}' 需要一个值</translation>
    </message>
    <message>
        <location filename="../../layers/edit_values.py" line="142" />
        <source>field '{field}': {value!r} is not a finite number</source>
        <translation>字段 '{field}'：{value!r} 不是有限数</translation>
    </message>
    <message>
        <location filename="../../layers/edit_values.py" line="147" />
        <source>field '{field}': {value:g} is below {minimum:g}{unit}</source>
        <translation>字段 '{field}'：{value:g} 低于 {minimum:g}{unit}</translation>
    </message>
    <message>
        <location filename="../../layers/edit_values.py" line="151" />
        <source>field '{field}': {value:g} is not a whole number</source>
        <translation>字段 '{field}'：{value:g} 不是整数</translation>
    </message>
    <message>
        <location filename="../../layers/edit_values.py" line="159" />
        <source>field '{field}': {value!r} is not a date</source>
        <translation>字段 '{field}'：{value!r} 不是日期</translation>
    </message>
</context><context>
    <name>EditingActions</name>
    <message>
        <location filename="../editing/actions.py" line="66" />
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <location filename="../editing/actions.py" line="69" />
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <location filename="../editing/actions.py" line="72" />
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <location filename="../editing/actions.py" line="72" />
        <source>Take back the last change to the project (the Undo History panel lists them all)</source>
        <translation>撤回对项目的最近一次更改（撤销历史面板列出全部更改）</translation>
    </message>
    <message>
        <location filename="../editing/actions.py" line="74" />
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <location filename="../editing/actions.py" line="74" />
        <source>Make the last undone change again</source>
        <translation>重新执行最近一次撤销的更改</translation>
    </message>
    <message>
        <location filename="../editing/actions.py" line="79" />
        <source>Toggle &amp;Editing</source>
        <translation>切换编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../editing/actions.py" line="80" />
        <source>Start or stop editing the current layer's features and attributes</source>
        <translation>开始或停止编辑当前图层的要素和属性</translation>
    </message>
    <message>
        <location filename="../editing/actions.py" line="81" />
        <source>&amp;Save Layer Edits</source>
        <translation>保存图层编辑(&amp;S)</translation>
    </message>
    <message>
        <location filename="../editing/actions.py" line="82" />
        <source>Write the current layer's edits back to its file</source>
        <translation>将当前图层的编辑写回其文件</translation>
    </message>
    <message>
        <location filename="../editing/actions.py" line="83" />
        <source>Add &amp;Point</source>
        <translation>添加点(&amp;P)</translation>
    </message>
    <message>
        <location filename="../editing/actions.py" line="84" />
        <source>Click the map to add a point (a pole, a site) to the layer being edited</source>
        <translation>单击地图，向正在编辑的图层添加一个点（灯杆、站点）</translation>
    </message>
    <message>
        <location filename="../editing/actions.py" line="85" />
        <source>&amp;Move Point</source>
        <translation>移动点(&amp;M)</translation>
    </message>
    <message>
        <location filename="../editing/actions.py" line="86" />
        <source>Drag a point of the layer being edited to its new place</source>
        <translation>将正在编辑的图层中的点拖到新位置</translation>
    </message>
    <message>
        <location filename="../editing/actions.py" line="87" />
        <source>&amp;Delete Selected Features</source>
        <translation>删除所选要素(&amp;D)</translation>
    </message>
    <message>
        <location filename="../editing/actions.py" line="89" />
        <source>Delete the selected features of the layer being edited</source>
        <translation>删除正在编辑的图层中所选的要素</translation>
    </message>
    <message>
        <location filename="../editing/actions.py" line="90" />
        <source>Add &amp;Field…</source>
        <translation>添加字段(&amp;F)…</translation>
    </message>
    <message>
        <location filename="../editing/actions.py" line="91" />
        <source>Add an empty field to the layer being edited</source>
        <translation>向正在编辑的图层添加一个空字段</translation>
    </message>
    <message>
        <location filename="../editing/actions.py" line="92" />
        <source>Delete Fiel&amp;d…</source>
        <translation>删除字段(&amp;D)…</translation>
    </message>
    <message>
        <location filename="../editing/actions.py" line="93" />
        <source>Delete a field that is not part of the layer's kind</source>
        <translation>删除不属于图层类型的字段</translation>
    </message>
    <message>
        <location filename="../editing/actions.py" line="94" />
        <source>Re&amp;name Field…</source>
        <translation>重命名字段(&amp;N)…</translation>
    </message>
    <message>
        <location filename="../editing/actions.py" line="95" />
        <source>Rename a field that is not part of the layer's kind</source>
        <translation>重命名不属于图层类型的字段</translation>
    </message>
    <message>
        <location filename="../editing/actions.py" line="96" />
        <source>Field &amp;Calculator…</source>
        <translation>字段计算器(&amp;C)…</translation>
    </message>
    <message>
        <location filename="../editing/actions.py" line="97" />
        <source>Set a field (or a new one) from an expression, for all or the selected features</source>
        <translation>根据表达式为全部或所选要素设置字段（或新字段）的值</translation>
    </message>
    <message>
        <location filename="../editing/actions.py" line="98" />
        <source>S&amp;nap to Roads</source>
        <translation>捕捉到道路(&amp;N)</translation>
    </message>
    <message>
        <location filename="../editing/actions.py" line="99" />
        <source>Place new and moved points on the nearest road within the tolerance</source>
        <translation>将新建和移动的点放到容差范围内最近的道路上</translation>
    </message>
    <message>
        <location filename="../editing/actions.py" line="112" />
        <source>Editing</source>
        <translation>编辑</translation>
    </message>
    <message>
        <location filename="../editing/actions.py" line="124" />
        <source>Snapping Tolerance</source>
        <translation>捕捉容差</translation>
    </message>
    <message>
        <location filename="../editing/actions.py" line="125" />
        <source>The farthest a new or moved point moves onto a road when Snap to Roads is on</source>
        <translation>开启“捕捉到道路”时，新建或移动的点被移到道路上的最大距离</translation>
    </message>
    <message>
        <location filename="../editing/actions.py" line="130" />
        <source>Undo History</source>
        <translation>撤销历史</translation>
    </message>
    <message>
        <location filename="../editing/actions.py" line="133" />
        <source>&lt;project as opened&gt;</source>
        <translation>&lt;打开时的项目&gt;</translation>
    </message>
    <message>
        <location filename="../editing/actions.py" line="141" />
        <source>Undo &amp;History</source>
        <translation>撤销历史(&amp;H)</translation>
    </message>
    <message>
        <location filename="../editing/actions.py" line="182" />
        <source>Undo failed: {error}</source>
        <translation>撤销失败：{error}</translation>
    </message>
    <message>
        <location filename="../editing/actions.py" line="204" />
        <source>Layer edits not saved</source>
        <translation>图层编辑未保存</translation>
    </message>
    <message>
        <location filename="../editing/actions.py" line="218" />
        <location filename="../editing/actions.py" line="215" />
        <source>Add Field</source>
        <translation>添加字段</translation>
    </message>
    <message>
        <location filename="../editing/actions.py" line="215" />
        <source>Name of the new field:</source>
        <translation>新字段名称：</translation>
    </message>
    <message>
        <location filename="../editing/actions.py" line="219" />
        <source>Type of '{name}':</source>
        <translation>“{name}”的类型：</translation>
    </message>
    <message>
        <location filename="../editing/actions.py" line="226" />
        <source>“{name}” has only the fields of its kind, which the analyses need</source>
        <translation>“{name}”只有其图层类型的字段，这些字段是分析所需的</translation>
    </message>
    <message>
        <location filename="../editing/actions.py" line="229" />
        <source>Field:</source>
        <translation>字段：</translation>
    </message>
    <message>
        <location filename="../editing/actions.py" line="234" />
        <source>Delete Field</source>
        <translation>删除字段</translation>
    </message>
    <message>
        <location filename="../editing/actions.py" line="243" />
        <location filename="../editing/actions.py" line="240" />
        <source>Rename Field</source>
        <translation>重命名字段</translation>
    </message>
    <message>
        <location filename="../editing/actions.py" line="243" />
        <source>New name of '{field}':</source>
        <translation>“{field}”的新名称：</translation>
    </message>
</context><context>
    <name>Edits</name>
    <message>
        <location filename="../../layers/edits.py" line="63" />
        <source>is a raster; only layers with features can be edited</source>
        <translation>是栅格；只有含要素的图层才能编辑</translation>
    </message>
    <message>
        <location filename="../../layers/edits.py" line="72" />
        <source>has {count} features; feature #{position} does not exist</source>
        <translation>有 {count} 个要素；要素 #{position} 不存在</translation>
    </message>
    <message>
        <location filename="../../layers/edits.py" line="117" />
        <source>Set '{field}' of feature #{position} in '{layer}'</source>
        <translation>设置“{layer}”中要素 #{position} 的 '{field}'</translation>
    </message>
    <message>
        <location filename="../../layers/edits.py" line="120" />
        <source>Set '{field}' of {count} features in '{layer}'</source>
        <translation>设置“{layer}”中 {count} 个要素的 '{field}'</translation>
    </message>
    <message>
        <location filename="../../layers/edits.py" line="157" />
        <source>Add feature to '{layer}'</source>
        <translation>向“{layer}”添加要素</translation>
    </message>
    <message>
        <location filename="../../layers/edits.py" line="204" />
        <source>Move feature #{position} in '{layer}'</source>
        <translation>移动“{layer}”中的要素 #{position}</translation>
    </message>
    <message>
        <location filename="../../layers/edits.py" line="228" />
        <source>Delete {count} feature(s) from '{layer}'</source>
        <translation>从“{layer}”删除 {count} 个要素</translation>
    </message>
    <message>
        <location filename="../../layers/edits.py" line="261" />
        <source>a field needs a name</source>
        <translation>字段需要名称</translation>
    </message>
    <message>
        <location filename="../../layers/edits.py" line="263" />
        <source>already has a field '{field}'</source>
        <translation>已有字段 '{field}'</translation>
    </message>
    <message>
        <location filename="../../layers/edits.py" line="270" />
        <source>has no field '{field}'</source>
        <translation>没有字段 '{field}'</translation>
    </message>
    <message>
        <location filename="../../layers/edits.py" line="273" />
        <source>field '{field}' belongs to the '{kind}' schema that the analyses rely on; it cannot be {action}</source>
        <translation>字段 '{field}' 属于分析所依赖的“{kind}”模式；不能被{action}</translation>
    </message>
    <message>
        <location filename="../../layers/edits.py" line="284" />
        <source>unknown field type '{type}'; choose one of {types}</source>
        <translation>未知字段类型 '{type}'；请从 {types} 中选择</translation>
    </message>
    <message>
        <location filename="../../layers/edits.py" line="289" />
        <source>Add field '{field}' to '{layer}'</source>
        <translation>向“{layer}”添加字段 '{field}'</translation>
    </message>
    <message>
        <location filename="../../layers/edits.py" line="309" />
        <source>deleted</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../layers/edits.py" line="313" />
        <source>Delete field '{field}' from '{layer}'</source>
        <translation>从“{layer}”删除字段 '{field}'</translation>
    </message>
    <message>
        <location filename="../../layers/edits.py" line="336" />
        <source>renamed</source>
        <translation>重命名</translation>
    </message>
    <message>
        <location filename="../../layers/edits.py" line="339" />
        <source>Rename field '{old}' to '{new}' in '{layer}'</source>
        <translation>将“{layer}”中的字段 '{old}' 重命名为 '{new}'</translation>
    </message>
    <message>
        <location filename="../../layers/edits.py" line="367" />
        <source>Calculate '{field}' for {count} features in '{layer}'</source>
        <translation>为“{layer}”中 {count} 个要素计算 '{field}'</translation>
    </message>
    <message>
        <location filename="../../layers/edits.py" line="408" />
        <source>Add results of '{run}'</source>
        <translation>添加“{run}”的结果</translation>
    </message>
    <message>
        <location filename="../../layers/edits.py" line="410" />
        <source>Add layer(s) {names}</source>
        <translation>添加图层 {names}</translation>
    </message>
    <message>
        <location filename="../../layers/edits.py" line="432" />
        <source>Remove layer '{layer}'</source>
        <translation>移除图层“{layer}”</translation>
    </message>
    <message>
        <location filename="../../layers/edits.py" line="448" />
        <source>Move layer '{layer}'</source>
        <translation>移动图层“{layer}”</translation>
    </message>
    <message>
        <location filename="../../layers/edits.py" line="464" />
        <source>a layer needs a name</source>
        <translation>图层需要名称</translation>
    </message>
    <message>
        <location filename="../../layers/edits.py" line="465" />
        <source>Rename layer '{old}' to '{new}'</source>
        <translation>将图层“{old}”重命名为“{new}”</translation>
    </message>
    <message>
        <location filename="../../layers/edits.py" line="482" />
        <source>Change style of '{layer}'</source>
        <translation>更改“{layer}”的样式</translation>
    </message>
</context><context>
    <name>Effort</name>
    <message>
        <location filename="../../plugins/siting/effort.py" line="105" />
        <source>the work limit must be at least 1, got {work}</source>
        <translation>工作量限制至少为 1，实际为 {work}</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/effort.py" line="190" />
        <source>work limit {work:,} simplex iterations ({spent:,} spent; a MILP node counts {node}, a root round rows x open sites / {per}); safety time limit {seconds:g} s</source>
        <translation>工作量限制 {work:,} 次单纯形迭代（已用 {spent:,}；一个 MILP 节点计 {node}，一轮根节点计算计 行数 × 开放站点数 / {per}）；安全时间限制 {seconds:g} 秒</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/effort.py" line="193" />
        <source>work limit {work:,} simplex iterations ({spent:,} spent; a MILP node counts {node}, a root round rows x open sites / {per}); automatic safety time limit {seconds:.0f} s ({factor:g} x the {estimate:.0f} s this work is estimated to take on an idle machine, at least {floor:g} s)</source>
        <translation>工作量限制 {work:,} 次单纯形迭代（已用 {spent:,}；一个 MILP 节点计 {node}，一轮根节点计算计 行数 × 开放站点数 / {per}）；自动安全时间限制 {seconds:.0f} 秒（此工作量在空闲机器上估计耗时 {estimate:.0f} 秒的 {factor:g} 倍，至少 {floor:g} 秒）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/effort.py" line="204" />
        <source>stopped by the safety time limit after {seconds:.3g} s ({phases}): the result may differ on another machine</source>
        <translation>在 {seconds:.3g} 秒后因安全时间限制停止（{phases}）：在其他机器上结果可能不同</translation>
    </message>
    <message>
        <source>work limit {work:,} simplex iterations ({spent:,} spent; a node counts {node}, a window {window}); safety time limit {seconds:g} s</source>
        <translation type="vanished">工作量限制 {work:,} 次单纯形迭代（已用 {spent:,}；一个节点计 {node}，一个窗口计 {window}）；安全时间限制 {seconds:g} 秒</translation>
    </message>
    <message>
        <source>work limit {work:,} simplex iterations ({spent:,} spent; a node counts {node}, a window {window}); automatic safety time limit {seconds:.0f} s ({factor:g} x the {estimate:.0f} s this work is estimated to take on an idle machine, at least {floor:g} s)</source>
        <translation type="vanished">工作量限制 {work:,} 次单纯形迭代（已用 {spent:,}；一个节点计 {node}，一个窗口计 {window}）；自动安全时间限制 {seconds:.0f} 秒（此工作量在空闲机器上估计耗时 {estimate:.0f} 秒的 {factor:g} 倍，至少 {floor:g} 秒）</translation>
    </message>
</context><context>
    <name>ErrorHook</name>
    <message>
        <location filename="../dialogs/errors.py" line="59" />
        <source>Unexpected error</source>
        <translation>意外错误</translation>
    </message>
    <message>
        <location filename="../dialogs/errors.py" line="60" />
        <source>Something went wrong: {error}

Your project is untouched; you can keep working. Save under a new name if in doubt.</source>
        <translation>出现错误：{error}

您的项目未受影响，可以继续工作。如有疑虑，请另存为新名称。</translation>
    </message>
</context><context>
    <name>Exact</name>
    <message>
        <location filename="../../plugins/siting/exact.py" line="200" />
        <location filename="../../plugins/siting/exact.py" line="197" />
        <location filename="../../plugins/siting/solve.py" line="461" />
        <location filename="../../plugins/siting/solve.py" line="333" />
        <source>swaps</source>
        <translation>交换</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/exact.py" line="248" />
        <location filename="../../plugins/siting/exact.py" line="124" />
        <source>HiGHS reported {claimed} for a plan worth {value}; its bound is not used</source>
        <translation>HiGHS 报告的值为 {claimed}，而方案实际价值为 {value}；不采用其界</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/exact.py" line="140" />
        <source>LP-guided plan</source>
        <translation>LP 引导的方案</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/exact.py" line="182" />
        <source>the LP relaxation did not finish within the {limit}</source>
        <translation>LP 松弛未能在{limit}内完成</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/exact.py" line="189" />
        <source>root bound {bound} ({cuts:,} odd-cycle cuts, {seconds:.2f} s)</source>
        <translation>根节点界 {bound}（{cuts:,} 个奇环割，{seconds:.2f} 秒）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/exact.py" line="202" />
        <source>the LP-guided plan ({in_play:,} sites in play) is worth {value}</source>
        <translation>LP 引导的方案（{in_play:,} 个候选站点参与）价值为 {value}</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/exact.py" line="215" />
        <source>reduced costs settle {settled:,} of {sites:,} sites ({built:,} built); {left:,} sites and {rows:,} rows remain</source>
        <translation>约简成本确定了 {sites:,} 个站点中的 {settled:,} 个（{built:,} 个建设）；剩余 {left:,} 个站点和 {rows:,} 行</translation>
    </message>
</context><context>
    <name>ExistingSites</name>
    <message>
        <location filename="../../plugins/siting/relation.py" line="88" />
        <source>existing sites '{name}' serve demand within {radius:g} m</source>
        <translation>现有站点“{name}”服务 {radius:g} m 范围内的需求</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/relation.py" line="94" />
        <source>no existing site counted: {problem}</source>
        <translation>未计入任何现有站点：{problem}</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/relation.py" line="99" />
        <source>existing sites '{name}' ({cells} cells on {mhz:g} MHz) serve demand at RSRP &gt;= {threshold:g} dBm at {probability:g} % location probability</source>
        <translation>现有站点“{name}”（{cells} 个小区，{mhz:g} MHz）在 {probability:g} % 位置概率下以 RSRP ≥ {threshold:g} dBm 服务需求</translation>
    </message>
</context><context>
    <name>ExportDialog</name>
    <message>
        <location filename="../export/dialogs.py" line="46" />
        <source>Current view</source>
        <translation>当前视图</translation>
    </message>
    <message>
        <location filename="../export/dialogs.py" line="46" />
        <source>All visible layers</source>
        <translation>所有可见图层</translation>
    </message>
    <message>
        <location filename="../export/dialogs.py" line="47" />
        <source>A4 landscape</source>
        <translation>A4 横向</translation>
    </message>
    <message>
        <location filename="../export/dialogs.py" line="48" />
        <source>A4 portrait</source>
        <translation>A4 纵向</translation>
    </message>
    <message>
        <location filename="../export/dialogs.py" line="49" />
        <source>A3 landscape</source>
        <translation>A3 横向</translation>
    </message>
    <message>
        <location filename="../export/dialogs.py" line="50" />
        <source>A3 portrait</source>
        <translation>A3 纵向</translation>
    </message>
    <message>
        <location filename="../export/dialogs.py" line="51" />
        <source>Slide 16:9</source>
        <translation>幻灯片 16:9</translation>
    </message>
    <message>
        <location filename="../export/dialogs.py" line="68" />
        <source>Free text for the reader (optional)</source>
        <translation>给读者的说明文字（可选）</translation>
    </message>
    <message>
        <location filename="../export/dialogs.py" line="70" />
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location filename="../export/dialogs.py" line="71" />
        <source>Subtitle</source>
        <translation>副标题</translation>
    </message>
    <message>
        <location filename="../export/dialogs.py" line="72" />
        <source>Map extent</source>
        <translation>地图范围</translation>
    </message>
    <message>
        <location filename="../export/dialogs.py" line="87" />
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <location filename="../export/dialogs.py" line="117" />
        <source>Saved to {path} — &lt;a href="{folder}"&gt;open the folder&lt;/a&gt;</source>
        <translation>已保存到 {path} — &lt;a href="{folder}"&gt;打开文件夹&lt;/a&gt;</translation>
    </message>
    <message>
        <location filename="../export/dialogs.py" line="125" />
        <source>The export failed:
{problem}</source>
        <translation>导出失败：
{problem}</translation>
    </message>
</context><context>
    <name>ExportError</name>
    <message>
        <location filename="../export/web_raster.py" line="35" />
        <source>has no valid values to colour</source>
        <translation>没有可着色的有效值</translation>
    </message>
    <message>
        <location filename="../export/web_features.py" line="149" />
        <location filename="../export/web_raster.py" line="63" />
        <source>has no coordinate reference system, so it cannot be placed on a web map</source>
        <translation>没有坐标参考系，无法放到网页地图上</translation>
    </message>
    <message>
        <location filename="../export/cli.py" line="109" />
        <source>its layers could not be restored ({count})</source>
        <translation>其图层无法恢复（{count} 个）</translation>
    </message>
    <message>
        <location filename="../export/cli.py" line="110" />
        <source>it holds no layers</source>
        <translation>其中没有图层</translation>
    </message>
    <message>
        <location filename="../export/cli.py" line="111" />
        <source>nothing to draw: {why}</source>
        <translation>没有可绘制的内容：{why}</translation>
    </message>
    <message>
        <location filename="../export/report.py" line="75" />
        <source>the project has no layers; there is nothing to report</source>
        <translation>项目中没有图层；没有可生成简报的内容</translation>
    </message>
    <message>
        <location filename="../export/webmap.py" line="170" />
        <source>has no visible layer with features, so there is no map to export</source>
        <translation>没有含要素的可见图层，因此没有可导出的地图</translation>
    </message>
    <message>
        <location filename="../export/layout.py" line="325" />
        <location filename="../export/webmap.py" line="262" />
        <source>the project has no coordinate reference system; add a layer first</source>
        <translation>项目没有坐标参考系；请先添加图层</translation>
    </message>
    <message>
        <location filename="../export/webmap.py" line="266" />
        <source>has no visible layers to put on a web map</source>
        <translation>没有可放到网页地图上的可见图层</translation>
    </message>
    <message>
        <location filename="../export/layout_export.py" line="40" />
        <source>a page image of {width} x {height} pixels could not be made (not enough memory?); choose a lower dpi than {dpi}</source>
        <translation>无法生成 {width} × {height} 像素的页面图像（内存不足？）；请选择低于 {dpi} 的 dpi</translation>
    </message>
    <message>
        <location filename="../export/layout_export.py" line="44" />
        <source>could not open the file for writing</source>
        <translation>无法打开文件进行写入</translation>
    </message>
    <message>
        <location filename="../export/layout_export.py" line="97" />
        <source>could not write the PNG image (is the disk full?)</source>
        <translation>无法写入 PNG 图像（磁盘是否已满？）</translation>
    </message>
    <message>
        <location filename="../export/layout_export.py" line="119" />
        <source>dpi must be between 36 and 1200, got {dpi}</source>
        <translation>dpi 必须在 36 到 1200 之间，当前为 {dpi}</translation>
    </message>
    <message>
        <location filename="../export/files.py" line="17" />
        <source>cannot write {suffix!r} here; use {suffixes}</source>
        <translation>此处无法写入 {suffix!r}；请使用 {suffixes}</translation>
    </message>
    <message>
        <location filename="../export/files.py" line="18" />
        <source>a file without suffix</source>
        <translation>无扩展名的文件</translation>
    </message>
    <message>
        <location filename="../export/files.py" line="20" />
        <source>folder {folder} does not exist</source>
        <translation>文件夹 {folder} 不存在</translation>
    </message>
    <message>
        <location filename="../export/report_pdf.py" line="199" />
        <source>the report's notes are too long to leave room for the map on page 1</source>
        <translation>简报的备注过长，第 1 页已没有放地图的空间</translation>
    </message>
    <message>
        <location filename="../export/report_pdf.py" line="384" />
        <source>could not start writing the PDF</source>
        <translation>无法开始写入 PDF</translation>
    </message>
    <message>
        <location filename="../export/layout.py" line="108" />
        <source>has no visible layer with features and no view extent; nothing to print</source>
        <translation>没有含要素的可见图层，也没有视图范围；没有可打印的内容</translation>
    </message>
    <message>
        <location filename="../export/web_features.py" line="98" />
        <source>popup field(s) {fields} do not exist; available: {available}</source>
        <translation>弹窗字段 {fields} 不存在；可用字段：{available}</translation>
    </message>
    <message>
        <location filename="../export/web_features.py" line="101" />
        <source>none</source>
        <translation>无</translation>
    </message>
</context><context>
    <name>ExportMenu</name>
    <message>
        <location filename="../export/install.py" line="30" />
        <source>&amp;Export</source>
        <translation>导出(&amp;E)</translation>
    </message>
    <message>
        <location filename="../export/install.py" line="37" />
        <source>Print &amp;Layout…</source>
        <translation>打印布局(&amp;L)…</translation>
    </message>
    <message>
        <location filename="../export/install.py" line="38" />
        <source>Export a page (PDF, SVG, PNG) with legend, scale bar and north arrow</source>
        <translation>导出带图例、比例尺和指北针的页面（PDF、SVG、PNG）</translation>
    </message>
    <message>
        <location filename="../export/install.py" line="40" />
        <source>&amp;Web Map…</source>
        <translation>网页地图(&amp;W)…</translation>
    </message>
    <message>
        <location filename="../export/install.py" line="41" />
        <source>Export an interactive map that opens in any browser, even offline</source>
        <translation>导出可在任何浏览器中打开（包括离线）的交互式地图</translation>
    </message>
    <message>
        <location filename="../export/install.py" line="43" />
        <source>Briefing &amp;Report…</source>
        <translation>简报(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../export/install.py" line="44" />
        <source>Export a report of the last planning run (PDF or HTML)</source>
        <translation>导出最近一次规划运行的简报（PDF 或 HTML）</translation>
    </message>
    <message>
        <location filename="../export/install.py" line="46" />
        <source>&amp;QGIS Project…</source>
        <translation>QGIS 项目(&amp;Q)…</translation>
    </message>
    <message>
        <location filename="../export/install.py" line="47" />
        <source>Export the map as a QGIS project (.qgz) with its layers and styles</source>
        <translation>将地图连同图层和样式导出为 QGIS 项目 (.qgz)</translation>
    </message>
</context><context>
    <name>ExpressionError</name>
    <message>
        <location filename="../../layers/expressions/errors.py" line="37" />
        <source> (at column {column})</source>
        <translation>（位于第 {column} 列）</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/errors.py" line="39" />
        <source>expression {expression}: {problem}{where}</source>
        <translation>表达式 {expression}：{problem}{where}</translation>
    </message>
</context><context>
    <name>ExpressionInput</name>
    <message>
        <location filename="../processing/widgets.py" line="396" />
        <source>e.g. price_m2 &lt; 200 and industry == "finance"</source>
        <translation>例如 price_m2 &lt; 200 and industry == "finance"</translation>
    </message>
</context><context>
    <name>ExtentInput</name>
    <message>
        <location filename="../processing/widgets.py" line="375" />
        <source>minx, miny, maxx, maxy (project CRS)</source>
        <translation>minx, miny, maxx, maxy（项目坐标参考系）</translation>
    </message>
    <message>
        <location filename="../processing/widgets.py" line="378" />
        <source>View</source>
        <translation>视图</translation>
    </message>
    <message>
        <location filename="../processing/widgets.py" line="379" />
        <source>Use the map's current view (or the full extent of the project)</source>
        <translation>使用地图当前视图（或项目的全图范围）</translation>
    </message>
</context><context>
    <name>FeatureQuery</name>
    <message>
        <location filename="../canvas/feature_query.py" line="85" />
        <source>feature {number}</source>
        <translation>要素 {number}</translation>
    </message>
</context><context>
    <name>FieldCalculatorDialog</name>
    <message>
        <location filename="../editing/field_calculator.py" line="42" />
        <source>Field Calculator — {name}</source>
        <translation>字段计算器 — {name}</translation>
    </message>
    <message>
        <location filename="../editing/field_calculator.py" line="43" />
        <source>Update an existing field</source>
        <translation>更新已有字段</translation>
    </message>
    <message>
        <location filename="../editing/field_calculator.py" line="44" />
        <source>Create a new field</source>
        <translation>新建字段</translation>
    </message>
    <message>
        <location filename="../editing/field_calculator.py" line="52" />
        <source>e.g.  round("height_m" * 1.1, 1)   or   if(has_power, 4, 2)</source>
        <translation>例如  round("height_m" * 1.1, 1)   或   if(has_power, 4, 2)</translation>
    </message>
    <message>
        <location filename="../editing/field_calculator.py" line="53" />
        <source>Only the {count} selected features</source>
        <translation>仅所选的 {count} 个要素</translation>
    </message>
    <message>
        <location filename="../editing/field_calculator.py" line="65" />
        <source>Type of the new field</source>
        <translation>新字段类型</translation>
    </message>
    <message>
        <location filename="../editing/field_calculator.py" line="66" />
        <source>Expression</source>
        <translation>表达式</translation>
    </message>
    <message>
        <location filename="../editing/field_calculator.py" line="97" />
        <source>The layer already has a field '{field}'</source>
        <translation>图层已有字段 '{field}'</translation>
    </message>
</context><context>
    <name>FieldHeading</name>
    <message>
        <location filename="../export/values.py" line="36" />
        <source>Pole</source>
        <extracomment>Headings of the fields Lamplight's own analyses write, as the report's site table names them.</extracomment>
        <translation>灯杆</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="37" />
        <source>Site</source>
        <translation>站点</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="38" />
        <source>Cell</source>
        <translation>小区</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="39" />
        <source>People covered (%)</source>
        <translation>覆盖人口（%）</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="40" />
        <source>Weighted demand covered (%)</source>
        <translation>加权需求覆盖率（%）</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="41" />
        <source>Adds (weighted demand)</source>
        <translation>新增（加权需求）</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="42" />
        <source>Mean RSRP (dBm)</source>
        <translation>平均 RSRP（dBm）</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="46" />
        <source>Area (m²)</source>
        <translation>面积（m²）</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="46" />
        <source>Attachments</source>
        <translation>挂载设备</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="47" />
        <source>Azimuths (°)</source>
        <translation>方位角（°）</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="47" />
        <source>Band (MHz)</source>
        <translation>频段（MHz）</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="48" />
        <source>Beamwidth (°)</source>
        <translation>波束宽度（°）</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="48" />
        <source>Capacity</source>
        <translation>挂载容量</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="49" />
        <source>EIRP (dBm)</source>
        <translation>EIRP（dBm）</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="49" />
        <source>Floor</source>
        <translation>楼层</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="50" />
        <source>Has power</source>
        <translation>有供电</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="50" />
        <source>Height (m)</source>
        <translation>高度（m）</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="51" />
        <source>Industry</source>
        <translation>行业</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="51" />
        <source>Lease term (months)</source>
        <translation>租期（月）</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="52" />
        <source>Level</source>
        <translation>学段</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="52" />
        <source>Levels</source>
        <translation>层数</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="53" />
        <source>Listing ID</source>
        <translation>房源编号</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="53" />
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="54" />
        <source>Operator</source>
        <translation>运营商</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="54" />
        <source>Power (W)</source>
        <translation>功率（W）</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="55" />
        <source>Price (CNY/m²/month)</source>
        <translation>价格（元/m²/月）</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="55" />
        <source>Residents</source>
        <translation>常住人口</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="56" />
        <source>Road ID</source>
        <translation>道路编号</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="56" />
        <source>Road class</source>
        <translation>道路等级</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="57" />
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="57" />
        <source>Students</source>
        <translation>学生数</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="58" />
        <source>Tilt (°)</source>
        <translation>下倾角（°）</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="58" />
        <source>Width (m)</source>
        <translation>宽度（m）</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="59" />
        <source>Workers</source>
        <translation>就业人口</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="63" />
        <source>Measurements</source>
        <translation>实测点数</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="64" />
        <source>Cells</source>
        <translation>小区</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="66" />
        <source>Mean error before (dB)</source>
        <translation>校准前平均误差 (dB)</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="67" />
        <source>Mean error after (dB)</source>
        <translation>校准后平均误差 (dB)</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="68" />
        <source>RMSE before (dB)</source>
        <translation>校准前 RMSE (dB)</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="69" />
        <source>RMSE after (dB)</source>
        <translation>校准后 RMSE (dB)</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="70" />
        <source>σ before (dB)</source>
        <translation>校准前 σ (dB)</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="71" />
        <source>σ after (dB)</source>
        <translation>校准后 σ (dB)</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="76" />
        <source>Sites</source>
        <translation>站点数</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="76" />
        <source>Covered demand</source>
        <translation>已覆盖需求</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="77" />
        <source>Covered share</source>
        <translation>覆盖比例</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="77" />
        <source>Marginal demand</source>
        <translation>边际新增需求</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="78" />
        <source>In plan</source>
        <translation>在方案中</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="78" />
        <source>Best possible at most</source>
        <translation>最优可能上限</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="79" />
        <source>Best possible share</source>
        <translation>最优可能比例上限</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="79" />
        <source>Measure</source>
        <translation>指标</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="80" />
        <source>Covered</source>
        <translation>已覆盖</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="80" />
        <source>Total</source>
        <translation>总计</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="81" />
        <source>Share (%)</source>
        <translation>比例 (%)</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="81" />
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="82" />
        <source>Served area (m²)</source>
        <translation>服务面积 (m²)</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="82" />
        <source>Buildings</source>
        <translation>建筑</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="83" />
        <source>Schools</source>
        <translation>学校</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="83" />
        <source>Scope</source>
        <translation>范围</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="84" />
        <source>Candidate</source>
        <translation>候选</translation>
    </message>
</context><context>
    <name>FieldMapping</name>
    <message>
        <location filename="../../layers/field_mapping.py" line="88" />
        <source>field '{name}'</source>
        <translation>字段 '{name}'</translation>
    </message>
    <message>
        <location filename="../../layers/field_mapping.py" line="90" />
        <source>expression {text}</source>
        <translation>表达式 {text}</translation>
    </message>
    <message>
        <location filename="../../layers/field_mapping.py" line="91" />
        <source>constant {value!r}</source>
        <translation>常量 {value!r}</translation>
    </message>
    <message>
        <location filename="../../layers/field_mapping.py" line="126" />
        <source>the top level</source>
        <translation>顶层</translation>
    </message>
    <message>
        <location filename="../../layers/field_mapping.py" line="127" />
        <source>{where}: {path}: {problem}</source>
        <translation>{where}：{path}：{problem}</translation>
    </message>
    <message>
        <location filename="../../layers/field_mapping.py" line="130" />
        <source>{where}: version {version} was written by a newer Lamplight; this one reads version {known}</source>
        <translation>{where}：版本 {version} 由更新的 Lamplight 写入；当前版本只能读取版本 {known}</translation>
    </message>
    <message>
        <location filename="../../layers/field_mapping.py" line="136" />
        <source>{where}: unknown kind '{kind}'; known kinds: {kinds}</source>
        <translation>{where}：未知的图层类型 '{kind}'；已知类型：{kinds}</translation>
    </message>
    <message>
        <location filename="../../layers/field_mapping.py" line="143" />
        <source>{where}: '{target}' is not a field of kind '{kind}'; its fields are {fields}</source>
        <translation>{where}：'{target}' 不是图层类型 '{kind}' 的字段；其字段有 {fields}</translation>
    </message>
    <message>
        <location filename="../../layers/field_mapping.py" line="160" />
        <source>the field mapping could not be written ({reason})</source>
        <translation>无法写入字段映射（{reason}）</translation>
    </message>
    <message>
        <location filename="../../layers/field_mapping.py" line="172" />
        <source>the field mapping file does not exist</source>
        <translation>字段映射文件不存在</translation>
    </message>
    <message>
        <location filename="../../layers/field_mapping.py" line="174" />
        <source>the field mapping file cannot be read ({reason})</source>
        <translation>无法读取字段映射文件（{reason}）</translation>
    </message>
    <message>
        <location filename="../../layers/field_mapping.py" line="179" />
        <source>is not a JSON file (line {line}: {reason})</source>
        <translation>不是 JSON 文件（第 {line} 行：{reason}）</translation>
    </message>
    <message>
        <location filename="../../layers/field_mapping.py" line="185" />
        <source>mapping {name}</source>
        <translation>映射 {name}</translation>
    </message>
    <message>
        <location filename="../../layers/field_mapping.py" line="186" />
        <source>field mapping</source>
        <translation>字段映射</translation>
    </message>
    <message>
        <location filename="../../layers/field_mapping.py" line="218" />
        <source>the layer has no such field; its fields are {fields}</source>
        <translation>图层没有此字段；其字段有 {fields}</translation>
    </message>
    <message>
        <location filename="../../layers/field_mapping.py" line="219" />
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../layers/field_mapping.py" line="239" />
        <source>{where}: {target} &lt;- {source}: {problem}</source>
        <translation>{where}：{target} &lt;- {source}：{problem}</translation>
    </message>
    <message>
        <location filename="../../layers/field_mapping.py" line="248" />
        <source>{where}: rename '{old}' to '{new}': the layer has no such field</source>
        <translation>{where}：将 '{old}' 重命名为 '{new}'：图层没有此字段</translation>
    </message>
    <message>
        <location filename="../../layers/field_mapping.py" line="260" />
        <source>field '{name}' replaced by the mapped one</source>
        <translation>字段 '{name}' 已被映射后的字段替换</translation>
    </message>
    <message>
        <location filename="../../layers/field_mapping.py" line="267" />
        <source>fields mapped with {where}: {summary}</source>
        <translation>字段已映射（{where}）：{summary}</translation>
    </message>
</context><context>
    <name>FieldMappingCli</name>
    <message>
        <location filename="../../plugins/field_mapping_cli.py" line="55" />
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../plugins/field_mapping_cli.py" line="56" />
        <source>{file}: choose one vector layer with --layer (it holds: {names})</source>
        <translation>{file}：请用 --layer 选择一个矢量图层（其中包含：{names}）</translation>
    </message>
    <message>
        <location filename="../../plugins/field_mapping_cli.py" line="70" />
        <source>{file}: layer '{layer}' does not look like any kind; name one with --kind ({kinds})</source>
        <translation>{file}：图层“{layer}”不像任何已知图层类型；请用 --kind 指定（{kinds}）</translation>
    </message>
</context><context>
    <name>FieldValue</name>
    <message>
        <location filename="../export/values.py" line="20" />
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="20" />
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="88" />
        <source>area</source>
        <translation>面积</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="88" />
        <source>residents</source>
        <translation>常住人口</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="89" />
        <source>workers</source>
        <translation>就业人口</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="89" />
        <source>buildings</source>
        <translation>建筑</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="90" />
        <source>schools</source>
        <translation>学校</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="90" />
        <source>people</source>
        <translation>人</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="91" />
        <source>features</source>
        <translation>个要素</translation>
    </message>
    <message>
        <location filename="../export/values.py" line="91" />
        <source>all</source>
        <translation>全部</translation>
    </message>
</context><context>
    <name>FileCommands</name>
    <message>
        <location filename="../window/file_commands.py" line="64" />
        <source>Open Project</source>
        <translation>打开项目</translation>
    </message>
    <message>
        <location filename="../window/file_commands.py" line="95" />
        <source>Restored the autosaved copy {name}; save to keep it</source>
        <translation>已恢复自动保存的副本 {name}；请保存以保留</translation>
    </message>
    <message>
        <location filename="../window/file_commands.py" line="97" />
        <source>Layers linked to a data file that is missing or unreadable stay in the project when you save it. If the data moved, use File &gt; Find Missing Data Files… to point at its new folder.</source>
        <translation>关联到缺失或无法读取的数据文件的图层，在保存项目时仍保留在项目中。如果数据已移动，请使用“文件 &gt; 查找缺失的数据文件…”指向其新文件夹。</translation>
    </message>
    <message>
        <location filename="../window/file_commands.py" line="100" />
        <source>Some layers could not be restored</source>
        <translation>部分图层无法恢复</translation>
    </message>
    <message>
        <location filename="../window/file_commands.py" line="101" />
        <source>The project opened without these layers:</source>
        <translation>项目已打开，但缺少以下图层：</translation>
    </message>
    <message>
        <location filename="../window/file_commands.py" line="108" />
        <source>Opening {name}…</source>
        <translation>正在打开 {name}…</translation>
    </message>
    <message>
        <location filename="../window/file_commands.py" line="114" />
        <location filename="../window/file_commands.py" line="112" />
        <source>Cannot open project</source>
        <translation>无法打开项目</translation>
    </message>
    <message>
        <location filename="../window/file_commands.py" line="127" />
        <source>Save Project As</source>
        <translation>项目另存为</translation>
    </message>
    <message>
        <location filename="../window/file_commands.py" line="141" />
        <source>Saving {name}…</source>
        <translation>正在保存 {name}…</translation>
    </message>
    <message>
        <location filename="../window/file_commands.py" line="149" />
        <location filename="../window/file_commands.py" line="145" />
        <source>Project not saved</source>
        <translation>项目未保存</translation>
    </message>
    <message>
        <location filename="../window/file_commands.py" line="150" />
        <location filename="../window/file_commands.py" line="146" />
        <source>The previous file, if any, is unchanged.</source>
        <translation>原有文件（如有）保持不变。</translation>
    </message>
    <message>
        <location filename="../window/file_commands.py" line="155" />
        <source>Saved {file}</source>
        <translation>已保存 {file}</translation>
    </message>
    <message>
        <location filename="../window/file_commands.py" line="164" />
        <source>Unsaved changes</source>
        <translation>未保存的更改</translation>
    </message>
    <message>
        <location filename="../window/file_commands.py" line="165" />
        <source>The project “{title}” has unsaved changes. Save them first?</source>
        <translation>项目“{title}”有未保存的更改。先保存吗？</translation>
    </message>
    <message>
        <location filename="../window/file_commands.py" line="177" />
        <source>Every layer of the project has its data file</source>
        <translation>项目的每个图层都有其数据文件</translation>
    </message>
    <message>
        <location filename="../window/file_commands.py" line="180" />
        <source>Folder holding the missing data files ({count})</source>
        <translation>存放缺失数据文件的文件夹（{count} 个）</translation>
    </message>
    <message>
        <location filename="../window/file_commands.py" line="186" />
        <source>Looking for the missing data files in {folder}…</source>
        <translation>正在 {folder} 中查找缺失的数据文件…</translation>
    </message>
    <message>
        <location filename="../window/file_commands.py" line="191" />
        <source>Cannot search the folder</source>
        <translation>无法搜索该文件夹</translation>
    </message>
    <message>
        <location filename="../window/file_commands.py" line="198" />
        <source>Restored {restored} of {missing} layers</source>
        <translation>已恢复 {missing} 个图层中的 {restored} 个</translation>
    </message>
    <message>
        <location filename="../window/file_commands.py" line="201" />
        <source>{restored} from {folder}</source>
        <translation>{restored}（来自 {folder}）</translation>
    </message>
    <message>
        <location filename="../window/file_commands.py" line="203" />
        <source>Some data files were not found</source>
        <translation>部分数据文件未找到</translation>
    </message>
    <message>
        <location filename="../window/file_commands.py" line="204" />
        <source>{restored}. Still missing:</source>
        <translation>{restored}。仍缺少：</translation>
    </message>
    <message>
        <location filename="../window/file_commands.py" line="210" />
        <source>Add Layer</source>
        <translation>添加图层</translation>
    </message>
    <message>
        <location filename="../window/file_commands.py" line="226" />
        <source>Reading {names}…</source>
        <translation>正在读取 {names}…</translation>
    </message>
    <message>
        <location filename="../window/file_commands.py" line="234" />
        <source>Added {count} layer(s)</source>
        <translation>已添加 {count} 个图层</translation>
    </message>
    <message>
        <location filename="../window/file_commands.py" line="236" />
        <source>; {count} with load notes (Layer Properties shows them)</source>
        <translation>；其中 {count} 个有加载说明（见图层属性）</translation>
    </message>
    <message>
        <location filename="../window/file_commands.py" line="238" />
        <source>; project CRS {crs} (Project &gt; Properties changes it)</source>
        <translation>；项目坐标参考系为 {crs}（可在 项目 &gt; 属性 中更改）</translation>
    </message>
    <message>
        <location filename="../window/file_commands.py" line="244" />
        <source>Some files could not be opened</source>
        <translation>部分文件无法打开</translation>
    </message>
    <message>
        <location filename="../window/file_commands.py" line="252" />
        <source>Only vector layers have fields to map</source>
        <translation>只有矢量图层才有可映射的字段</translation>
    </message>
    <message>
        <location filename="../window/file_commands.py" line="269" />
        <source>Map fields of '{layer}'</source>
        <translation>映射“{layer}”的字段</translation>
    </message>
    <message>
        <location filename="../window/file_commands.py" line="276" />
        <source>'{layer}' loaded as {kind}</source>
        <translation>“{layer}”已作为 {kind} 加载</translation>
    </message>
    <message>
        <location filename="../window/file_commands.py" line="277" />
        <source>a layer without a kind</source>
        <translation>无图层类型的图层</translation>
    </message>
    <message>
        <location filename="../window/file_commands.py" line="307" />
        <source>Coordinates in metres</source>
        <translation>以米为单位的坐标</translation>
    </message>
    <message>
        <location filename="../window/file_commands.py" line="308" />
        <source>{names}: the coordinates look projected (metres), not longitude/latitude, and the file names no coordinate system.

Read them in the project's coordinate system, {crs} ({code})?</source>
        <translation>{names}：坐标看起来是投影坐标（米），不是经纬度，且文件未指定坐标系。

按项目坐标系 {crs}（{code}）读取吗？</translation>
    </message>
    <message>
        <location filename="../window/file_commands.py" line="327" />
        <source>No recent projects</source>
        <translation>没有最近的项目</translation>
    </message>
</context><context>
    <name>FileFilter</name>
    <message>
        <location filename="../../layers/io/formats.py" line="28" />
        <source>GeoTIFF raster</source>
        <translation>GeoTIFF 栅格</translation>
    </message>
    <message>
        <location filename="../../layers/io/formats.py" line="31" />
        <source>All supported files</source>
        <translation>所有支持的文件</translation>
    </message>
    <message>
        <location filename="../../layers/io/formats.py" line="34" />
        <source>Zipped shapefiles</source>
        <translation>压缩的 Shapefile</translation>
    </message>
    <message>
        <location filename="../../layers/io/formats.py" line="36" />
        <source>CSV with coordinates</source>
        <translation>带坐标的 CSV</translation>
    </message>
    <message>
        <location filename="../../layers/io/formats.py" line="37" />
        <source>Excel with coordinates</source>
        <translation>带坐标的 Excel</translation>
    </message>
    <message>
        <location filename="../../layers/io/formats.py" line="39" />
        <source>OpenStreetMap extract</source>
        <translation>OpenStreetMap 数据摘录</translation>
    </message>
    <message>
        <location filename="../../layers/io/formats.py" line="54" />
        <source>All files</source>
        <translation>所有文件</translation>
    </message>
</context><context>
    <name>FileInput</name>
    <message>
        <location filename="../processing/widgets.py" line="360" />
        <source>Choose a file</source>
        <translation>选择文件</translation>
    </message>
</context><context>
    <name>Gcj02ToWgs84</name>
    <message>
        <location filename="../../plugins/tools/gcj02.py" line="38" />
        <source>Points in GCJ-02</source>
        <translation>GCJ-02 坐标的点</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/gcj02.py" line="42" />
        <source>Points in WGS84</source>
        <translation>WGS84 坐标的点</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/gcj02.py" line="48" />
        <source>layer '{name}' has no coordinate system; set it to the one its GCJ-02 longitudes and latitudes were read in (usually EPSG:4326)</source>
        <translation>图层“{name}”没有坐标系；请将其设为读取 GCJ-02 经纬度时所用的坐标系（通常为 EPSG:4326）</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/gcj02.py" line="65" />
        <source>{moved} of {total} features moved, by {low:.0f} to {high:.0f} m</source>
        <translation>{total} 个要素中有 {moved} 个被移动，移动距离 {low:.0f} 至 {high:.0f} m</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/gcj02.py" line="69" />
        <source>{name} (WGS84)</source>
        <translation>{name}（WGS84）</translation>
    </message>
</context><context>
    <name>Geometry</name>
    <message>
        <location filename="../../layers/kinds.py" line="36" />
        <source>point</source>
        <extracomment>How messages name a geometry family: one ("3 line features", "other" for anything else) and several ("points or polygons", "collections" for a mixed reader's parts); translated where shown.</extracomment>
        <translation>点</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="36" />
        <source>line</source>
        <translation>线</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="37" />
        <source>polygon</source>
        <translation>面</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="37" />
        <source>other</source>
        <translation>其他</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="38" />
        <source>points</source>
        <translation>点要素</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="38" />
        <source>lines</source>
        <translation>线要素</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="39" />
        <source>polygons</source>
        <translation>面要素</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="40" />
        <source>collections</source>
        <translation>几何集合要素</translation>
    </message>
</context><context>
    <name>HistoryDock</name>
    <message>
        <location filename="../processing/history.py" line="50" />
        <source>Processing History</source>
        <translation>处理历史</translation>
    </message>
    <message>
        <location filename="../processing/history.py" line="56" />
        <source>Started</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <location filename="../processing/history.py" line="56" />
        <source>Algorithm</source>
        <translation>算法</translation>
    </message>
    <message>
        <location filename="../processing/history.py" line="56" />
        <source>Duration</source>
        <translation>用时</translation>
    </message>
    <message>
        <location filename="../processing/history.py" line="56" />
        <source>Outputs</source>
        <translation>输出</translation>
    </message>
    <message>
        <location filename="../processing/history.py" line="61" />
        <source>Select a run to see its parameters.</source>
        <translation>选择一次运行以查看其参数。</translation>
    </message>
    <message>
        <location filename="../processing/history.py" line="62" />
        <source>Re-run…</source>
        <translation>重新运行…</translation>
    </message>
    <message>
        <location filename="../processing/history.py" line="63" />
        <source>Copy as command line</source>
        <translation>复制为命令行</translation>
    </message>
    <message>
        <location filename="../processing/history.py" line="65" />
        <source>The same run as a 'python main.py run' command, to paste in a terminal opened in the Lamplight folder (add --output-dir DIR to choose where the outputs go)</source>
        <translation>与本次运行相同的 'python main.py run' 命令，可粘贴到在 Lamplight 文件夹中打开的终端（加 --output-dir DIR 指定输出位置）</translation>
    </message>
    <message>
        <location filename="../processing/history.py" line="67" />
        <source>Show tables</source>
        <translation>显示表格</translation>
    </message>
    <message>
        <location filename="../processing/history.py" line="69" />
        <source>Open the run's tables (statistics, demand per site, …) in Processing Results</source>
        <translation>在处理结果中打开本次运行的表格（统计、各站点需求……）</translation>
    </message>
</context><context>
    <name>Identify</name>
    <message>
        <location filename="../canvas/feature_query.py" line="104" />
        <source>cell (row, column)</source>
        <translation>像元（行，列）</translation>
    </message>
    <message>
        <location filename="../canvas/feature_query.py" line="105" />
        <source>cell {row}, {col}</source>
        <translation>像元 {row}，{col}</translation>
    </message>
    <message>
        <location filename="../canvas/feature_query.py" line="117" />
        <source>serving cell</source>
        <translation>服务小区</translation>
    </message>
    <message>
        <location filename="../canvas/feature_query.py" line="119" />
        <source>serving site</source>
        <translation>服务站点</translation>
    </message>
</context><context>
    <name>IdentifyDock</name>
    <message>
        <location filename="../docks/identify_panel.py" line="17" />
        <source>Identify Results</source>
        <translation>识别结果</translation>
    </message>
    <message>
        <location filename="../docks/identify_panel.py" line="22" />
        <source>Feature</source>
        <translation>要素</translation>
    </message>
    <message>
        <location filename="../docks/identify_panel.py" line="22" />
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <location filename="../docks/identify_panel.py" line="32" />
        <source>Nothing here</source>
        <translation>此处没有要素</translation>
    </message>
</context><context>
    <name>ImportAssistant</name>
    <message>
        <location filename="../dialogs/import_assistant.py" line="112" />
        <source>Import Assistant — {layer}</source>
        <translation>导入助手 — {layer}</translation>
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="138" />
        <source>No kind (keep the layer's own fields)</source>
        <translation>无图层类型（保留图层自身的字段）</translation>
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="144" />
        <source>Choose the source of each field; a field without one gets the kind's default.</source>
        <translation>为每个字段选择来源；没有来源的字段取该图层类型的默认值。</translation>
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="254" />
        <location filename="../dialogs/import_assistant.py" line="147" />
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="147" />
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="147" />
        <source>Required</source>
        <translation>必填</translation>
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="148" />
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="148" />
        <source>Field, expression or value</source>
        <translation>字段、表达式或值</translation>
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="149" />
        <source>Value map (text=value; …)</source>
        <translation>值映射（文本=值；…）</translation>
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="162" />
        <source>Preview of the first {rows} features as they would load</source>
        <translation>前 {rows} 个要素按此加载时的预览</translation>
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="170" />
        <source>Save Mapping…</source>
        <translation>保存映射…</translation>
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="171" />
        <source>Load Mapping…</source>
        <translation>加载映射…</translation>
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="179" />
        <source>Keep them</source>
        <translation>保留</translation>
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="180" />
        <source>Drop them</source>
        <translation>丢弃</translation>
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="183" />
        <source>Height of one storey, for buildings with storeys but no height</source>
        <translation>单层层高，用于有层数但无高度的建筑物</translation>
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="185" />
        <source>Height of a building with neither height, storeys nor a known type (see the height_source field after import)</source>
        <translation>既无高度、层数也无已知类型的建筑物的高度（导入后见 height_source 字段）</translation>
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="188" />
        <source>Kind:</source>
        <translation>图层类型：</translation>
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="189" />
        <source>The layer's other fields:</source>
        <translation>图层的其他字段：</translation>
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="190" />
        <source>Storey height:</source>
        <translation>层高：</translation>
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="191" />
        <source>Default building height:</source>
        <translation>默认建筑高度：</translation>
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="246" />
        <source>required</source>
        <translation>必填</translation>
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="251" />
        <source>(missing)</source>
        <translation>（缺失）</translation>
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="252" />
        <source>default: {value}</source>
        <translation>默认：{value}</translation>
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="253" />
        <source>(empty)</source>
        <translation>（空）</translation>
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="254" />
        <source>Expression</source>
        <translation>表达式</translation>
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="255" />
        <source>Constant</source>
        <translation>常量</translation>
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="328" />
        <source>suggested with confidence {percent:.0%}</source>
        <translation>建议，置信度 {percent:.0%}</translation>
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="371" />
        <source>Does not load yet: {problem}</source>
        <translation>尚不能加载：{problem}</translation>
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="374" />
        <source>The first {rows} features fit; OK maps all {count:,}.</source>
        <translation>前 {rows} 个要素符合；点击“确定”映射全部 {count:,} 个要素。</translation>
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="376" />
        <source>The layer will have no kind.</source>
        <translation>该图层将没有图层类型。</translation>
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="437" />
        <source>Mapping saved to {path}</source>
        <translation>映射已保存到 {path}</translation>
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="450" />
        <source>Save Field Mapping</source>
        <translation>保存字段映射</translation>
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="457" />
        <location filename="../dialogs/import_assistant.py" line="451" />
        <source>Field mapping (*.json)</source>
        <translation>字段映射 (*.json)</translation>
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="456" />
        <source>Load Field Mapping</source>
        <translation>加载字段映射</translation>
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="468" />
        <source>Mapping {count:,} features…</source>
        <translation>正在映射 {count:,} 个要素…</translation>
    </message>
</context><context>
    <name>JoinByLocation</name>
    <message>
        <location filename="../../plugins/tools/join.py" line="44" />
        <source>Input layer</source>
        <translation>输入图层</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/join.py" line="45" />
        <source>Join layer</source>
        <translation>连接图层</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/join.py" line="46" />
        <source>Input feature ... join feature</source>
        <translation>输入要素 ... 连接要素</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/join.py" line="48" />
        <source>intersects</source>
        <translation>相交</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/join.py" line="48" />
        <source>is within</source>
        <translation>位于其内</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/join.py" line="49" />
        <source>contains</source>
        <translation>包含</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/join.py" line="49" />
        <source>touches</source>
        <translation>相接</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/join.py" line="50" />
        <source>Matches</source>
        <translation>匹配方式</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/join.py" line="51" />
        <source>First match</source>
        <translation>第一个匹配</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/join.py" line="51" />
        <source>All matches</source>
        <translation>所有匹配</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/join.py" line="52" />
        <source>Keep features without a match</source>
        <translation>保留没有匹配的要素</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/join.py" line="56" />
        <source>Joined features</source>
        <translation>连接后的要素</translation>
    </message>
</context><context>
    <name>Kernels</name>
    <message>
        <location filename="../../plugins/compiled.py" line="60" />
        <source>Compiling the fast kernels once (about {seconds} s)…</source>
        <translation>正在编译快速计算内核（仅需一次，约 {seconds} 秒）…</translation>
    </message>
</context><context>
    <name>KindCheck</name>
    <message>
        <location filename="../../layers/kinds.py" line="370" />
        <source>'{old}' to '{new}'</source>
        <translation>'{old}' 改为 '{new}'</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="372" />
        <source>renamed {pairs}</source>
        <translation>已重命名 {pairs}</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="393" />
        <source>{field}: {count} values are not whole numbers ({values}) in features {rows}</source>
        <translation>{field}：要素 {rows} 中有 {count} 个值不是整数（{values}）</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="398" />
        <source>{field}: {count} values are not numbers ({values}) in features {rows}</source>
        <translation>{field}：要素 {rows} 中有 {count} 个值不是数字（{values}）</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="402" />
        <source>{field}: {count} text values converted to numbers</source>
        <translation>{field}：{count} 个文本值已转换为数字</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="411" />
        <source>{field}: {count} values are not yes/no ({values}) in features {rows}</source>
        <translation>{field}：要素 {rows} 中有 {count} 个值不是“是/否”（{values}）</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="415" />
        <source>{field}: {count} values read as yes/no</source>
        <translation>{field}：{count} 个值按“是/否”读取</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="435" />
        <source>{field}: {count} values list unknown items ({values}) in features {rows}; allowed: {allowed}</source>
        <translation>{field}：要素 {rows} 中有 {count} 个值列出了未知项（{values}）；允许：{allowed}</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="452" />
        <source>{field}: {count} values are not comma-separated degrees 0-360 ({values}) in features {rows}</source>
        <translation>{field}：要素 {rows} 中有 {count} 个值不是以逗号分隔的 0-360 度值（{values}）</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="461" />
        <source>{field}: {count} values are not one of {allowed} ({values}) in features {rows}</source>
        <translation>{field}：要素 {rows} 中有 {count} 个值不是 {allowed} 之一（{values}）</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="477" />
        <source>{field}: {count} features have no value</source>
        <translation>{field}：{count} 个要素没有值</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="482" />
        <source>{field}: {count} empty values set to default {default}</source>
        <translation>{field}：{count} 个空值已设为默认值 {default}</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="489" />
        <source>missing required field '{field}'; the fields are: {fields}</source>
        <translation>缺少必需字段 '{field}'；现有字段：{fields}</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="491" />
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="496" />
        <source>needs at least one of the fields {fields}</source>
        <translation>至少需要字段 {fields} 之一</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="500" />
        <source>{field}: field missing; set to 0</source>
        <translation>{field}：字段缺失；已设为 0</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="511" />
        <source>filled with default {default}</source>
        <translation>已填入默认值 {default}</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="512" />
        <source>added empty</source>
        <translation>已添加为空字段</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="513" />
        <source>{field}: field missing; {filled}</source>
        <translation>{field}：字段缺失；{filled}</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="525" />
        <source>{count} {family} features</source>
        <translation>{count} 个{family}要素</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="527" />
        <source> or </source>
        <translation>或</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="528" />
        <source>has {found}; a '{kind}' layer must hold {want} (features {rows})</source>
        <translation>含有 {found}；'{kind}' 图层必须只含{want}（要素 {rows}）</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="548" />
        <source>{count} features have no geometry</source>
        <translation>{count} 个要素没有几何</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="558" />
        <source>repaired {count} invalid geometries (features {rows})</source>
        <translation>已修复 {count} 个无效几何（要素 {rows}）</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="563" />
        <source>{count} features have an empty geometry</source>
        <translation>{count} 个要素的几何为空</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="577" />
        <source>unknown layer kind '{kind}'; known kinds: {kinds}</source>
        <translation>未知的图层类型 '{kind}'；已知类型：{kinds}</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="593" />
        <source>{count} problem</source>
        <translation>{count} 个问题</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="594" />
        <source>{count} problems</source>
        <translation>{count} 个问题</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="595" />
        <source>does not fit kind '{kind}' ({problems}):</source>
        <translation>不符合图层类型 '{kind}'（{problems}）：</translation>
    </message>
</context><context>
    <name>Lagrange</name>
    <message>
        <location filename="../../plugins/siting/lagrange.py" line="95" />
        <source>Lagrangian bound</source>
        <translation>拉格朗日界</translation>
    </message>
</context><context>
    <name>LanguageMenu</name>
    <message>
        <location filename="menu.py" line="21" />
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="menu.py" line="22" />
        <source>The interface language; takes effect when Lamplight is started again</source>
        <translation>界面语言；重新启动 Lamplight 后生效</translation>
    </message>
    <message>
        <location filename="menu.py" line="26" />
        <source>Follow the System</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="menu.py" line="34" />
        <source>Takes effect at the next start</source>
        <translation>下次启动时生效</translation>
    </message>
    <message>
        <location filename="menu.py" line="42" />
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="menu.py" line="43" />
        <source>The new interface language takes effect when Lamplight is started again.</source>
        <translation>新的界面语言将在重新启动 Lamplight 后生效。</translation>
    </message>
</context><context>
    <name>Layer</name>
    <message>
        <location filename="../../layers/layer.py" line="55" />
        <source>unknown coordinate reference system {crs!r} ({problem})</source>
        <translation>未知的坐标参考系 {crs!r}（{problem}）</translation>
    </message>
    <message>
        <location filename="../../layers/layer.py" line="452" />
        <location filename="../../layers/layer.py" line="250" />
        <source>has no coordinate reference system; set one before reprojecting</source>
        <translation>没有坐标参考系；请先设置后再重投影</translation>
    </message>
    <message>
        <location filename="../../layers/layer.py" line="431" />
        <source>has {count} band(s); band {band} does not exist</source>
        <translation>只有 {count} 个波段；波段 {band} 不存在</translation>
    </message>
</context><context>
    <name>LayerDistancesInput</name>
    <message>
        <location filename="../processing/widgets.py" line="421" />
        <source>Add layer</source>
        <translation>添加图层</translation>
    </message>
    <message>
        <location filename="../processing/widgets.py" line="422" />
        <source>Add a layer with its own distance</source>
        <translation>添加一个带自身距离的图层</translation>
    </message>
    <message>
        <location filename="../processing/widgets.py" line="455" />
        <source>Remove this layer</source>
        <translation>移除此图层</translation>
    </message>
</context><context>
    <name>LayerDistancesParameter</name>
    <message>
        <location filename="../../plugins/api.py" line="528" />
        <source>expected 'LAYER:DISTANCE; ...' or a list of (layer, distance) pairs, got {type}</source>
        <translation>应为 'LAYER:DISTANCE; ...' 或 (图层, 距离) 对的列表，实际为 {type}</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="560" />
        <source>layers with a distance each, e.g. 'Schools:50; Sites:100 m'</source>
        <translation>各带一个距离的图层，例如 'Schools:50; Sites:100 m'</translation>
    </message>
</context><context>
    <name>LayerEncoding</name>
    <message>
        <location filename="../../layers/io/encoding.py" line="55" />
        <source>attribute text is not valid {declared} as the file declares; read as {encoding}</source>
        <translation>属性文本不是文件所声明的有效 {declared} 编码；已按 {encoding} 读取</translation>
    </message>
    <message>
        <location filename="../../layers/io/encoding.py" line="58" />
        <source>no .cpg file says how attribute text is encoded; it was read as {encoding}</source>
        <translation>没有 .cpg 文件说明属性文本的编码；已按 {encoding} 读取</translation>
    </message>
    <message>
        <location filename="../../layers/io/encoding.py" line="61" />
        <source>attribute text is in an unknown encoding; read as ISO-8859-1 (check names for garbling)</source>
        <translation>属性文本的编码未知；已按 ISO-8859-1 读取（请检查名称是否乱码）</translation>
    </message>
</context><context>
    <name>LayerError</name>
    <message>
        <location filename="../../layers/io/writers.py" line="47" />
        <source>already exists; choose another name or allow overwriting</source>
        <translation>已存在；请换一个名称或允许覆盖</translation>
    </message>
    <message>
        <location filename="../../layers/io/writers.py" line="63" />
        <source>already has a layer with this name; choose another name or allow overwriting</source>
        <translation>已有同名图层；请换一个名称或允许覆盖</translation>
    </message>
    <message>
        <location filename="../../layers/io/writers.py" line="158" />
        <source>cannot save as '{extension}'; choose one of {extensions}</source>
        <translation>无法保存为 '{extension}'；请从 {extensions} 中选择</translation>
    </message>
    <message>
        <location filename="../../layers/io/writers.py" line="159" />
        <source>no extension</source>
        <translation>无扩展名</translation>
    </message>
    <message>
        <location filename="../../layers/io/writers.py" line="163" />
        <source>a raster layer must be saved as GeoTIFF (.tif)</source>
        <translation>栅格图层必须保存为 GeoTIFF (.tif)</translation>
    </message>
    <message>
        <location filename="../../layers/io/writers.py" line="164" />
        <source>a vector layer must be saved as GeoPackage, GeoJSON or CSV</source>
        <translation>矢量图层必须保存为 GeoPackage、GeoJSON 或 CSV</translation>
    </message>
    <message>
        <location filename="../../layers/io/writers.py" line="167" />
        <source>the folder {folder} does not exist</source>
        <translation>文件夹 {folder} 不存在</translation>
    </message>
    <message>
        <location filename="../../layers/io/writers.py" line="181" />
        <source>could not be written: {problem}</source>
        <translation>无法写入：{problem}</translation>
    </message>
    <message>
        <location filename="../../layers/io/gdal_errors.py" line="17" />
        <source>is not a readable {format} file (it may be damaged, incomplete or in another format)</source>
        <translation>不是可读的 {format} 文件（可能已损坏、不完整或为其他格式）</translation>
    </message>
    <message>
        <location filename="../../layers/io/gdal_errors.py" line="20" />
        <source>the file does not exist</source>
        <translation>文件不存在</translation>
    </message>
    <message>
        <location filename="../../layers/io/gdal_errors.py" line="21" />
        <source>could not be read as {format}: {problem}</source>
        <translation>无法按 {format} 读取：{problem}</translation>
    </message>
    <message>
        <location filename="../../layers/io/vector.py" line="81" />
        <source>is truncated ({size} bytes, not even a database header): the copy or download did not finish; copy the file again</source>
        <translation>文件不完整（{size} 字节，连数据库文件头都不完整）：复制或下载未完成；请重新复制文件</translation>
    </message>
    <message>
        <location filename="../../layers/io/vector.py" line="92" />
        <source>is truncated ({actual} of {expected} bytes): the copy or download did not finish; copy the file again</source>
        <translation>文件不完整（{actual}/{expected} 字节）：复制或下载未完成；请重新复制文件</translation>
    </message>
    <message>
        <location filename="../../layers/io/vector.py" line="106" />
        <source>is an SQLite database but not a GeoPackage (no gpkg_contents table)</source>
        <translation>是 SQLite 数据库，但不是 GeoPackage（没有 gpkg_contents 表）</translation>
    </message>
    <message>
        <location filename="../../layers/io/vector.py" line="108" />
        <source>is damaged and cannot be read as a GeoPackage ({problem})</source>
        <translation>已损坏，无法作为 GeoPackage 读取（{problem}）</translation>
    </message>
    <message>
        <location filename="../../layers/io/vector.py" line="238" />
        <location filename="../../layers/io/vector.py" line="123" />
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../layers/io/vector.py" line="124" />
        <source>has no layer named '{layer}'; its layers are: {names}</source>
        <translation>没有名为“{layer}”的图层；其图层有：{names}</translation>
    </message>
    <message>
        <location filename="../../layers/io/vector.py" line="199" />
        <source>the index file {name} is missing; a shapefile needs its .shp, .shx and .dbf files side by side with the same name: copy them all</source>
        <translation>缺少索引文件 {name}；shapefile 需要同名的 .shp、.shx 和 .dbf 文件放在一起：请全部复制</translation>
    </message>
    <message>
        <location filename="../../layers/io/vector.py" line="231" />
        <source>is not a valid zip archive (it may be damaged or incomplete)</source>
        <translation>不是有效的 zip 压缩包（可能已损坏或不完整）</translation>
    </message>
    <message>
        <location filename="../../layers/io/vector.py" line="241" />
        <source>holds no shapefile or GeoJSON named '{layer}'; it holds: {names}</source>
        <translation>不包含名为“{layer}”的 shapefile 或 GeoJSON；其中包含：{names}</translation>
    </message>
    <message>
        <location filename="../../layers/io/vector.py" line="244" />
        <source>holds no shapefile or GeoJSON file</source>
        <translation>不包含 shapefile 或 GeoJSON 文件</translation>
    </message>
</context><context>
    <name>LayerExporter</name>
    <message>
        <location filename="../window/layer_export.py" line="55" />
        <source>Save Features As</source>
        <translation>要素另存为</translation>
    </message>
    <message>
        <location filename="../window/layer_export.py" line="56" />
        <source>Save only the {selected:,} selected features of “{name}”?
No saves all {total:,}.</source>
        <translation>只保存“{name}”中选中的 {selected:,} 个要素吗？
选“否”则保存全部 {total:,} 个。</translation>
    </message>
    <message>
        <location filename="../window/layer_export.py" line="64" />
        <source>Save “{name}” As</source>
        <translation>将“{name}”另存为</translation>
    </message>
    <message>
        <location filename="../window/layer_export.py" line="76" />
        <source>Could not save the layer</source>
        <translation>无法保存图层</translation>
    </message>
    <message>
        <location filename="../window/layer_export.py" line="79" />
        <source>Saved {path}</source>
        <translation>已保存 {path}</translation>
    </message>
</context><context>
    <name>LayerFinish</name>
    <message>
        <location filename="../../layers/io/finish.py" line="43" />
        <location filename="../../layers/io/raster.py" line="154" />
        <source>CRS set to {crs} as given</source>
        <translation>坐标参考系已按指定设为 {crs}</translation>
    </message>
    <message>
        <location filename="../../layers/io/finish.py" line="45" />
        <location filename="../../layers/io/raster.py" line="156" />
        <source>the file declares {declared}; replaced by {crs} as given</source>
        <translation>文件声明的坐标参考系为 {declared}；已按指定替换为 {crs}</translation>
    </message>
    <message>
        <location filename="../../layers/io/finish.py" line="30" />
        <source>no coordinate reference system in the file (e.g. a shapefile without .prj); set the CRS in the layer properties before using it with other layers</source>
        <translation>文件中没有坐标参考系（例如缺少 .prj 的 shapefile）；与其他图层一起使用前，请在图层属性中设置坐标参考系</translation>
    </message>
    <message>
        <location filename="../../layers/io/finish.py" line="62" />
        <source>{count} {families}</source>
        <translation>{count} 个{families}</translation>
    </message>
    <message>
        <location filename="../../layers/io/finish.py" line="68" />
        <source>the source layer mixes {summary}; this layer holds its {families} and the {count} features without geometry</source>
        <translation>源图层混合了 {summary}；本图层包含其中的{families}以及 {count} 个无几何的要素</translation>
    </message>
    <message>
        <location filename="../../layers/io/finish.py" line="72" />
        <source>the source layer mixes {summary}; this layer holds its {families}</source>
        <translation>源图层混合了 {summary}；本图层包含其中的{families}</translation>
    </message>
    <message>
        <location filename="../../layers/io/finish.py" line="91" />
        <source>looks like a '{kind}' layer but was loaded without that kind because it {problem}</source>
        <translation>看起来是 '{kind}' 图层，但未按该图层类型加载，因为它{problem}</translation>
    </message>
    <message>
        <source>the source layer mixes {summary}; this layer holds its {family}s and the {count} features without geometry</source>
        <translation type="vanished">源图层混合了 {summary}；本图层包含其中的 {family} 要素以及 {count} 个无几何的要素</translation>
    </message>
    <message>
        <source>the source layer mixes {summary}; this layer holds its {family}s</source>
        <translation type="vanished">源图层混合了 {summary}；本图层包含其中的 {family} 要素</translation>
    </message>
</context><context>
    <name>LayerInfo</name>
    <message>
        <location filename="../dialogs/layer_properties.py" line="37" />
        <source>created in this session (saved in the project)</source>
        <translation>本次会话中创建（保存在项目中）</translation>
    </message>
    <message>
        <location filename="../dialogs/layer_properties.py" line="38" />
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../dialogs/layer_properties.py" line="39" />
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../dialogs/layer_properties.py" line="40" />
        <source>Kind</source>
        <translation>图层类型</translation>
    </message>
    <message>
        <location filename="../dialogs/layer_properties.py" line="40" />
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../dialogs/layer_properties.py" line="126" />
        <location filename="../dialogs/layer_properties.py" line="42" />
        <source>CRS</source>
        <translation>坐标参考系</translation>
    </message>
    <message>
        <location filename="../dialogs/layer_properties.py" line="43" />
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../dialogs/layer_properties.py" line="45" />
        <source>Features</source>
        <translation>要素数</translation>
    </message>
    <message>
        <location filename="../dialogs/layer_properties.py" line="46" />
        <source>Geometry</source>
        <translation>几何类型</translation>
    </message>
    <message>
        <location filename="../dialogs/layer_properties.py" line="47" />
        <source>Selected</source>
        <translation>已选择</translation>
    </message>
    <message>
        <location filename="../dialogs/layer_properties.py" line="50" />
        <source>{width} × {height} cells, {count} band(s)</source>
        <translation>{width} × {height} 个像元，{count} 个波段</translation>
    </message>
    <message>
        <location filename="../dialogs/layer_properties.py" line="52" />
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../dialogs/layer_properties.py" line="53" />
        <source>Cell size</source>
        <translation>像元大小</translation>
    </message>
    <message>
        <location filename="../dialogs/layer_properties.py" line="54" />
        <source>Data type</source>
        <translation>数据类型</translation>
    </message>
    <message>
        <location filename="../dialogs/layer_properties.py" line="55" />
        <source>No-data value</source>
        <translation>无数据值</translation>
    </message>
    <message>
        <location filename="../dialogs/layer_properties.py" line="58" />
        <source>Extent</source>
        <translation>范围</translation>
    </message>
    <message>
        <location filename="../dialogs/layer_properties.py" line="60" />
        <source>Extent (project CRS)</source>
        <translation>范围（项目坐标参考系）</translation>
    </message>
</context><context>
    <name>LayerInput</name>
    <message>
        <location filename="../processing/widgets.py" line="103" />
        <source>Choose a file</source>
        <translation>选择文件</translation>
    </message>
</context><context>
    <name>LayerLoading</name>
    <message>
        <location filename="../window/layer_loading.py" line="61" />
        <source>{path}: could not be read ({problem})</source>
        <translation>{path}：无法读取（{problem}）</translation>
    </message>
    <message>
        <location filename="../window/layer_loading.py" line="65" />
        <source>{path}: the file holds no layers</source>
        <translation>{path}：文件中没有图层</translation>
    </message>
    <message>
        <location filename="../window/layer_loading.py" line="73" />
        <source>no default style could be made ({problem}); using a plain symbol</source>
        <translation>无法生成默认样式（{problem}）；改用简单符号</translation>
    </message>
</context><context>
    <name>LayerNote</name>
    <message>
        <location filename="../../layers/io/vector.py" line="187" />
        <source>no .dbf file: the features have no attributes</source>
        <translation>没有 .dbf 文件：要素没有属性</translation>
    </message>
</context><context>
    <name>LayerOpen</name>
    <message>
        <location filename="../../layers/io/__init__.py" line="92" />
        <source>the file does not exist</source>
        <translation>文件不存在</translation>
    </message>
    <message>
        <location filename="../../layers/io/__init__.py" line="94" />
        <source>is a folder; choose a file inside it</source>
        <translation>是文件夹；请选择其中的文件</translation>
    </message>
    <message>
        <location filename="../../layers/io/__init__.py" line="119" />
        <source>'{ext}' files cannot be opened; supported: {supported}</source>
        <translation>无法打开 '{ext}' 文件；支持的格式：{supported}</translation>
    </message>
    <message>
        <location filename="../../layers/io/__init__.py" line="120" />
        <source>no extension</source>
        <translation>无扩展名</translation>
    </message>
    <message>
        <location filename="../../layers/io/vector.py" line="157" />
        <source> (only tables without geometry: {tables})</source>
        <translation>（只有无几何的表：{tables}）</translation>
    </message>
    <message>
        <location filename="../../layers/io/vector.py" line="159" />
        <source>holds no map layers{why}</source>
        <translation>不含地图图层{why}</translation>
    </message>
    <message>
        <location filename="../../layers/io/vector.py" line="161" />
        <source>skipped tables without geometry: {tables}</source>
        <translation>已跳过无几何的表：{tables}</translation>
    </message>
</context><context>
    <name>LayerPropertiesDialog</name>
    <message>
        <location filename="../dialogs/layer_properties.py" line="30" />
        <source>Style</source>
        <translation>样式</translation>
    </message>
    <message>
        <location filename="../dialogs/layer_properties.py" line="86" />
        <source>Layer Properties — {name}</source>
        <translation>图层属性 — {name}</translation>
    </message>
    <message>
        <location filename="../dialogs/layer_properties.py" line="89" />
        <source>Information</source>
        <translation>信息</translation>
    </message>
    <message>
        <location filename="../dialogs/layer_properties.py" line="91" />
        <source>Fields</source>
        <translation>字段</translation>
    </message>
    <message>
        <location filename="../dialogs/layer_properties.py" line="92" />
        <source>Load notes ({count})</source>
        <translation>加载说明（{count}）</translation>
    </message>
    <message>
        <location filename="../dialogs/layer_properties.py" line="122" />
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../dialogs/layer_properties.py" line="123" />
        <source>Opacity</source>
        <translation>不透明度</translation>
    </message>
    <message>
        <location filename="../dialogs/layer_properties.py" line="145" />
        <source>e.g. EPSG:32649 or EPSG:4326</source>
        <translation>例如 EPSG:32649 或 EPSG:4326</translation>
    </message>
    <message>
        <location filename="../dialogs/layer_properties.py" line="147" />
        <source>The coordinate system the file's coordinates are in (EPSG code, WKT or PROJ)</source>
        <translation>文件坐标所用的坐标系（EPSG 代码、WKT 或 PROJ）</translation>
    </message>
    <message>
        <location filename="../dialogs/layer_properties.py" line="148" />
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location filename="../dialogs/layer_properties.py" line="155" />
        <source>Unknown: the file names none. Give the coordinate system its coordinates are in; the project remembers it.</source>
        <translation>未知：文件未指定坐标系。请给出其坐标所用的坐标系；项目会记住它。</translation>
    </message>
    <message>
        <location filename="../dialogs/layer_properties.py" line="158" />
        <source>Set Layer CRS: if the coordinates are in another system than the file says, give it here. The coordinates are kept as they are, not reprojected.</source>
        <translation>设置图层坐标参考系：如果坐标实际使用的坐标系与文件声明的不同，请在此给出。坐标保持原样，不做重投影。</translation>
    </message>
    <message>
        <location filename="../dialogs/layer_properties.py" line="177" />
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <location filename="../dialogs/layer_properties.py" line="177" />
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../dialogs/layer_properties.py" line="177" />
        <source>Values present</source>
        <translation>现有值</translation>
    </message>
    <message>
        <location filename="../dialogs/layer_properties.py" line="177" />
        <source>Example</source>
        <translation>示例</translation>
    </message>
    <message>
        <location filename="../dialogs/layer_properties.py" line="189" />
        <source>The layer loaded without remarks.</source>
        <translation>图层加载无备注。</translation>
    </message>
    <message>
        <location filename="../dialogs/layer_properties.py" line="210" />
        <source>Unknown coordinate system</source>
        <translation>未知坐标系</translation>
    </message>
    <message>
        <location filename="../dialogs/layer_properties.py" line="211" />
        <source>Layer “{layer}”: '{text}' is not a coordinate system ({problem}). Use an EPSG code such as EPSG:32649.</source>
        <translation>图层“{layer}”：'{text}' 不是坐标系（{problem}）。请使用 EPSG 代码，例如 EPSG:32649。</translation>
    </message>
    <message>
        <location filename="../dialogs/layer_properties.py" line="220" />
        <source>CRS set to {name} ({code}) by hand</source>
        <translation>坐标参考系已手动设为 {name}（{code}）</translation>
    </message>
    <message>
        <location filename="../dialogs/layer_properties.py" line="222" />
        <source>CRS set to {name} ({code}) by hand (was {old}; coordinates unchanged)</source>
        <translation>坐标参考系已手动设为 {name}（{code}）（原为 {old}；坐标未变）</translation>
    </message>
</context><context>
    <name>LayerTreeDock</name>
    <message>
        <location filename="../docks/layer_tree.py" line="38" />
        <source>Layers</source>
        <translation>图层</translation>
    </message>
    <message>
        <location filename="../docks/layer_tree.py" line="66" />
        <source>Opacity of the selected layer</source>
        <translation>所选图层的不透明度</translation>
    </message>
    <message>
        <location filename="../docks/layer_tree.py" line="72" />
        <source>Opacity</source>
        <translation>不透明度</translation>
    </message>
    <message>
        <location filename="../docks/layer_tree.py" line="189" />
        <source>Map Fields / Set Kind…</source>
        <translation>映射字段 / 设置图层类型…</translation>
    </message>
    <message>
        <location filename="../docks/layer_tree.py" line="191" />
        <source>Toggle Editing</source>
        <translation>切换编辑</translation>
    </message>
</context><context>
    <name>Layout</name>
    <message>
        <location filename="../export/layout_elements.py" line="309" />
        <source>N</source>
        <translation>北</translation>
    </message>
    <message>
        <location filename="../export/layout.py" line="70" />
        <source>Map made with Lamplight</source>
        <translation>使用 Lamplight 制图</translation>
    </message>
    <message>
        <location filename="../export/layout.py" line="195" />
        <source>{year}-{month:02d}-{day:02d}</source>
        <translation>{year}年{month}月{day}日</translation>
    </message>
    <message>
        <location filename="../export/layout.py" line="207" />
        <source>Data: {sources}</source>
        <translation>数据：{sources}</translation>
    </message>
    <message>
        <location filename="../export/layout.py" line="212" />
        <source>Scale {scale}</source>
        <translation>比例尺 {scale}</translation>
    </message>
    <message>
        <location filename="../export/layout.py" line="257" />
        <location filename="../export/layout.py" line="247" />
        <source>Notes</source>
        <translation>备注</translation>
    </message>
</context><context>
    <name>LayoutDialog</name>
    <message>
        <location filename="../export/dialogs.py" line="136" />
        <source>Export print layout</source>
        <translation>导出打印布局</translation>
    </message>
    <message>
        <location filename="../export/dialogs.py" line="144" />
        <source> dpi</source>
        <translation> dpi</translation>
    </message>
    <message>
        <location filename="../export/dialogs.py" line="147" />
        <source>Data sources (default: from the layers)</source>
        <translation>数据来源（默认：取自图层）</translation>
    </message>
    <message>
        <location filename="../export/dialogs.py" line="149" />
        <source>Legend</source>
        <translation>图例</translation>
    </message>
    <message>
        <location filename="../export/dialogs.py" line="149" />
        <source>Scale bar</source>
        <translation>比例尺</translation>
    </message>
    <message>
        <location filename="../export/dialogs.py" line="150" />
        <source>North arrow</source>
        <translation>指北针</translation>
    </message>
    <message>
        <location filename="../export/dialogs.py" line="150" />
        <source>Overview inset</source>
        <translation>鹰眼图</translation>
    </message>
    <message>
        <location filename="../export/dialogs.py" line="151" />
        <source>Page</source>
        <translation>页面</translation>
    </message>
    <message>
        <location filename="../export/dialogs.py" line="152" />
        <source>Resolution</source>
        <translation>分辨率</translation>
    </message>
    <message>
        <location filename="../export/dialogs.py" line="153" />
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../export/dialogs.py" line="154" />
        <source>Sources</source>
        <translation>数据来源</translation>
    </message>
    <message>
        <location filename="../export/dialogs.py" line="155" />
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../export/dialogs.py" line="160" />
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <location filename="../export/dialogs.py" line="194" />
        <source>PDF (*.pdf);;SVG (*.svg);;PNG image (*.png)</source>
        <translation>PDF (*.pdf);;SVG (*.svg);;PNG 图像 (*.png)</translation>
    </message>
    <message>
        <location filename="../export/dialogs.py" line="202" />
        <source>Exporting {name}…</source>
        <translation>正在导出 {name}…</translation>
    </message>
</context><context>
    <name>LayoutExport</name>
    <message>
        <location filename="../export/layout_export.py" line="79" />
        <source>Map made with Lamplight</source>
        <translation>使用 Lamplight 制图</translation>
    </message>
</context><context>
    <name>Legend</name>
    <message>
        <location filename="../export/layout_elements.py" line="131" />
        <location filename="../export/webmap.py" line="176" />
        <source>Legend</source>
        <translation>图例</translation>
    </message>
    <message>
        <location filename="../export/legend.py" line="75" />
        <source>{count:,} cell areas</source>
        <translation>{count:,} 个小区服务区</translation>
    </message>
    <message>
        <location filename="../export/legend.py" line="76" />
        <source>{count:,} classes</source>
        <translation>{count:,} 个分级</translation>
    </message>
</context><context>
    <name>MainWindow</name>
    <message>
        <location filename="../main_window.py" line="50" />
        <source>&amp;File</source>
        <extracomment>Menus in menu-bar order; ``menu(name)`` puts other menus before Help.</extracomment>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="50" />
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="51" />
        <source>&amp;Project</source>
        <translation>项目(&amp;P)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="51" />
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="52" />
        <source>&amp;Layer</source>
        <translation>图层(&amp;L)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="52" />
        <source>&amp;Selection</source>
        <translation>选择(&amp;S)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="53" />
        <source>&amp;Tools</source>
        <translation>工具(&amp;T)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="53" />
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="75" />
        <source>Panels</source>
        <translation>面板</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="178" />
        <source>&amp;New Project</source>
        <translation>新建项目(&amp;N)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="179" />
        <source>Start an empty project</source>
        <translation>新建一个空项目</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="180" />
        <source>&amp;Open Project…</source>
        <translation>打开项目(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="181" />
        <source>Open a .lamp project</source>
        <translation>打开 .lamp 项目</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="182" />
        <source>&amp;Save Project</source>
        <translation>保存项目(&amp;S)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="183" />
        <source>Save the project</source>
        <translation>保存项目</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="184" />
        <source>Save Project &amp;As…</source>
        <translation>项目另存为(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="185" />
        <source>Save the project under a new name</source>
        <translation>以新名称保存项目</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="186" />
        <source>&amp;Add Layer…</source>
        <translation>添加图层(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="187" />
        <source>Add layers from GeoPackage, Shapefile, GeoJSON, CSV/XLSX or GeoTIFF files</source>
        <translation>从 GeoPackage、Shapefile、GeoJSON、CSV/XLSX 或 GeoTIFF 文件添加图层</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="188" />
        <source>&amp;Find Missing Data Files…</source>
        <translation>查找缺失的数据文件(&amp;F)…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="189" />
        <source>Point at the folder the project's missing data files moved to, and restore their layers</source>
        <translation>指向项目缺失数据文件所移至的文件夹，恢复其图层</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="190" />
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="209" />
        <location filename="../main_window.py" line="191" />
        <source>&amp;Properties…</source>
        <translation>属性(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="192" />
        <source>Title and coordinate system (CRS) of the project</source>
        <translation>项目的标题和坐标参考系 (CRS)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="193" />
        <source>&amp;RF Profile…</source>
        <translation>射频配置(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="194" />
        <source>Radio assumptions shared by coverage, rf-mode siting and the statistics</source>
        <translation>覆盖、射频模式选址和统计共用的无线参数假设</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="195" />
        <source>Zoom to &amp;Full Extent</source>
        <translation>缩放到全图(&amp;F)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="196" />
        <source>Show every visible layer</source>
        <translation>显示所有可见图层</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="197" />
        <source>Zoom to &amp;Layer</source>
        <translation>缩放到图层(&amp;L)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="198" />
        <source>Show the whole current layer</source>
        <translation>显示整个当前图层</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="199" />
        <source>Zoom to &amp;Selection</source>
        <translation>缩放到所选(&amp;S)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="200" />
        <source>Show the selected features</source>
        <translation>显示所选要素</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="201" />
        <source>Zoom &amp;In</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="202" />
        <source>Zoom &amp;Out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="203" />
        <source>&amp;Refresh</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="204" />
        <source>Render the map again</source>
        <translation>重新渲染地图</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="205" />
        <source>Open &amp;Attribute Table</source>
        <translation>打开属性表(&amp;A)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="206" />
        <source>Show the attributes of the current layer</source>
        <translation>显示当前图层的属性</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="207" />
        <source>&amp;Style…</source>
        <translation>样式(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="208" />
        <source>Edit the current layer's style</source>
        <translation>编辑当前图层的样式</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="210" />
        <source>Source, CRS, fields, load notes and style of the current layer</source>
        <translation>当前图层的来源、坐标参考系、字段、加载说明和样式</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="211" />
        <source>Save Features &amp;As…</source>
        <translation>要素另存为(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="212" />
        <source>Write the current layer, or only its selected features, to GeoPackage, GeoJSON, CSV or GeoTIFF</source>
        <translation>将当前图层或仅其所选要素写入 GeoPackage、GeoJSON、CSV 或 GeoTIFF</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="213" />
        <source>&amp;Remove Layer</source>
        <translation>移除图层(&amp;R)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="214" />
        <source>Remove the current layer from the project</source>
        <translation>从项目中移除当前图层</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="215" />
        <source>&amp;Clear Selection</source>
        <translation>清除选择(&amp;C)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="216" />
        <source>Deselect every feature in every layer</source>
        <translation>取消选择所有图层中的所有要素</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="217" />
        <source>Select &amp;All Features</source>
        <translation>选择全部要素(&amp;A)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="218" />
        <source>Select every feature of the current layer</source>
        <translation>选择当前图层的所有要素</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="219" />
        <source>&amp;Invert Selection</source>
        <translation>反向选择(&amp;I)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="220" />
        <source>Invert the current layer's selection</source>
        <translation>反转当前图层的选择</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="221" />
        <source>&amp;About Lamplight</source>
        <translation>关于 Lamplight(&amp;A)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="239" />
        <source>Open &amp;Recent</source>
        <translation>最近的项目(&amp;R)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="250" />
        <source>&amp;Basemap</source>
        <translation>底图(&amp;B)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="281" />
        <source>Project</source>
        <translation>项目</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="282" />
        <source>Navigation</source>
        <translation>导航</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="287" />
        <source>Map Tools</source>
        <translation>地图工具</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="297" />
        <source>Basemap — An online background map under the layers (off by default: data stays here)</source>
        <translation>底图 — 图层下方的在线背景地图（默认关闭：数据留在本机）</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="345" />
        <source>{name}[*] — {app}</source>
        <translation>{name}[*] — {app}</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="355" />
        <source>Choose a layer in the Layers panel first</source>
        <translation>请先在图层面板中选择一个图层</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="387" />
        <source>Remove layer</source>
        <translation>移除图层</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="387" />
        <source>“{name}” exists only in this project; removing it discards its data unless the project was saved. Remove it?</source>
        <translation>“{name}”只存在于本项目中；除非项目已保存，移除将丢弃其数据。确定移除吗？</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="409" />
        <source>Select all</source>
        <translation>全选</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="414" />
        <source>Invert selection</source>
        <translation>反向选择</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="423" />
        <source>choose a layer in the Layers panel first</source>
        <translation>请先在图层面板中选择一个图层</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="424" />
        <source>“{name}” is a raster: choose a layer with features</source>
        <translation>“{name}”是栅格：请选择含要素的图层</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="425" />
        <source>{command}: {reason}</source>
        <translation>{command}：{reason}</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="444" />
        <source>Identified {n} feature</source>
        <translation>识别到 {n} 个要素</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="445" />
        <source>Identified {n} features</source>
        <translation>识别到 {n} 个要素</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="446" />
        <source>Nothing under the cursor</source>
        <translation>光标下没有要素</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="449" />
        <source>About {app}</source>
        <translation>关于 {app}</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="450" />
        <source>&lt;b&gt;{app}&lt;/b&gt;&lt;br&gt;Desktop GIS planning workbench for 5G small cells on smart lamp poles.&lt;br&gt;&lt;br&gt;Open source; data stays on this computer unless you turn on an online basemap.</source>
        <translation>&lt;b&gt;{app}&lt;/b&gt;&lt;br&gt;面向智慧灯杆 5G 小基站的桌面 GIS 规划工作台。&lt;br&gt;&lt;br&gt;开源软件；除非开启在线底图，数据始终留在本机。</translation>
    </message>
    <message>
        <location filename="../processing/install.py" line="65" />
        <source>&amp;Processing</source>
        <translation>处理(&amp;P)</translation>
    </message>
</context><context>
    <name>MapCanvas</name>
    <message>
        <location filename="../canvas/map_canvas.py" line="127" />
        <source>Layer '{name}' has no features to zoom to</source>
        <translation>图层“{name}”没有可缩放到的要素</translation>
    </message>
    <message>
        <location filename="../canvas/map_canvas.py" line="135" />
        <source>Nothing is selected</source>
        <translation>未选择任何要素</translation>
    </message>
    <message>
        <location filename="../canvas/map_canvas.py" line="247" />
        <source>Basemap unavailable, showing the map without it: {problem}</source>
        <translation>底图不可用，地图将不显示底图：{problem}</translation>
    </message>
    <message>
        <location filename="../canvas/map_canvas.py" line="248" />
        <source>Basemap partly unavailable: {problem}</source>
        <translation>底图部分不可用：{problem}</translation>
    </message>
</context><context>
    <name>MapTools</name>
    <message>
        <location filename="../canvas/tools/navigation.py" line="18" />
        <location filename="../window/map_tools.py" line="27" />
        <source>Pan</source>
        <translation>平移</translation>
    </message>
    <message>
        <location filename="../window/map_tools.py" line="28" />
        <source>Drag to move the map (middle button pans in every tool)</source>
        <translation>拖动以移动地图（在任何工具下按住中键均可平移）</translation>
    </message>
    <message>
        <location filename="../window/map_tools.py" line="29" />
        <source>Zoom In</source>
        <translation>放大</translation>
    </message>
    <message>
        <location filename="../window/map_tools.py" line="30" />
        <source>Click or drag a box to zoom in</source>
        <translation>单击或拖框放大</translation>
    </message>
    <message>
        <location filename="../window/map_tools.py" line="31" />
        <source>Zoom Out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <location filename="../window/map_tools.py" line="32" />
        <source>Click or drag a box to zoom out</source>
        <translation>单击或拖框缩小</translation>
    </message>
    <message>
        <location filename="../window/map_tools.py" line="33" />
        <source>Identify Features</source>
        <translation>识别要素</translation>
    </message>
    <message>
        <location filename="../window/map_tools.py" line="34" />
        <source>Click a feature to see its attributes</source>
        <translation>单击要素查看其属性</translation>
    </message>
    <message>
        <location filename="../window/map_tools.py" line="35" />
        <source>Select by Click</source>
        <translation>单击选择</translation>
    </message>
    <message>
        <location filename="../window/map_tools.py" line="37" />
        <source>Click a feature to select it (Shift adds, Ctrl removes)</source>
        <translation>单击要素进行选择（Shift 添加，Ctrl 移除）</translation>
    </message>
    <message>
        <location filename="../window/map_tools.py" line="38" />
        <source>Select by Rectangle</source>
        <translation>矩形选择</translation>
    </message>
    <message>
        <location filename="../window/map_tools.py" line="40" />
        <source>Drag a rectangle to select (Shift adds, Ctrl removes)</source>
        <translation>拖出矩形进行选择（Shift 添加，Ctrl 移除）</translation>
    </message>
    <message>
        <location filename="../window/map_tools.py" line="41" />
        <source>Select by Polygon</source>
        <translation>多边形选择</translation>
    </message>
    <message>
        <location filename="../window/map_tools.py" line="43" />
        <source>Click vertices, double-click or right-click to finish (Shift adds, Ctrl removes)</source>
        <translation>单击顶点，双击或右键单击结束（Shift 添加，Ctrl 移除）</translation>
    </message>
    <message>
        <location filename="../window/map_tools.py" line="44" />
        <source>Measure Distance</source>
        <translation>测量距离</translation>
    </message>
    <message>
        <location filename="../window/map_tools.py" line="46" />
        <source>Click points; double-click or right-click to finish</source>
        <translation>单击各点；双击或右键单击结束</translation>
    </message>
    <message>
        <location filename="../window/map_tools.py" line="47" />
        <source>Measure Area</source>
        <translation>测量面积</translation>
    </message>
    <message>
        <location filename="../window/map_tools.py" line="49" />
        <source>Click vertices; double-click or right-click to finish</source>
        <translation>单击各顶点；双击或右键单击结束</translation>
    </message>
    <message>
        <location filename="../canvas/tools/selection.py" line="86" />
        <source>Select by click</source>
        <translation>单击选择</translation>
    </message>
    <message>
        <location filename="../canvas/tools/selection.py" line="87" />
        <source>Select by rectangle</source>
        <translation>矩形选择</translation>
    </message>
    <message>
        <location filename="../canvas/tools/selection.py" line="88" />
        <source>Select by polygon</source>
        <translation>多边形选择</translation>
    </message>
    <message>
        <location filename="../canvas/tools/identify.py" line="16" />
        <source>Identify</source>
        <translation>识别</translation>
    </message>
    <message>
        <location filename="../canvas/tools/navigation.py" line="57" />
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <location filename="../canvas/tools/navigation.py" line="57" />
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <location filename="../canvas/tools/editing.py" line="29" />
        <source>Add point</source>
        <translation>添加点</translation>
    </message>
    <message>
        <location filename="../canvas/tools/editing.py" line="58" />
        <source>Move point</source>
        <translation>移动点</translation>
    </message>
    <message>
        <location filename="../canvas/tools/measure.py" line="39" />
        <source>Measure distance</source>
        <translation>测量距离</translation>
    </message>
    <message>
        <location filename="../canvas/tools/measure.py" line="40" />
        <source>Measure area</source>
        <translation>测量面积</translation>
    </message>
</context><context>
    <name>MaximalCovering</name>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="552" />
        <source>Number of sites (k)</source>
        <translation>站点数 (k)</translation>
    </message>
</context><context>
    <name>MeasureTool</name>
    <message>
        <location filename="../canvas/tools/measure.py" line="90" />
        <source>geodesic</source>
        <translation>大地线</translation>
    </message>
    <message>
        <location filename="../canvas/tools/measure.py" line="91" />
        <source>planar</source>
        <translation>平面</translation>
    </message>
    <message>
        <location filename="../canvas/tools/measure.py" line="93" />
        <source>Distance {length} ({method})</source>
        <translation>距离 {length}（{method}）</translation>
    </message>
    <message>
        <location filename="../canvas/tools/measure.py" line="95" />
        <source>Area {area}, perimeter {length} ({method})</source>
        <translation>面积 {area}，周长 {length}（{method}）</translation>
    </message>
</context><context>
    <name>Measuring</name>
    <message>
        <location filename="../../plugins/metric.py" line="75" />
        <source>its data lies where {problem}; bring inputs that lie together</source>
        <translation>其数据位于 {problem}；请提供位置相近的输入</translation>
    </message>
    <message>
        <location filename="../../plugins/metric.py" line="85" />
        <source>Distances measured in {crs}</source>
        <translation>距离在 {crs} 中量测</translation>
    </message>
    <message>
        <location filename="../../plugins/metric.py" line="87" />
        <source>; inputs in {crss} were reprojected</source>
        <translation>；{crss} 中的输入已重投影</translation>
    </message>
    <message>
        <location filename="../../plugins/metric.py" line="91" />
        <source>; not measured in {crs} because {why}; vector outputs are written back in {crs}</source>
        <translation>；未在 {crs} 中量测，因为 {why}；矢量输出写回 {crs}</translation>
    </message>
    <message>
        <location filename="../../plugins/metric.py" line="101" />
        <source>cannot be measured in metres: {problem}; reproject it to a local metric CRS such as {crs}</source>
        <translation>无法以米量测：{problem}；请将其重投影到本地米制坐标参考系，如 {crs}</translation>
    </message>
    <message>
        <location filename="../../plugins/metric.py" line="108" />
        <source>the local UTM zone</source>
        <translation>本地 UTM 分带</translation>
    </message>
</context><context>
    <name>MovePointTool</name>
    <message>
        <location filename="../canvas/tools/editing.py" line="71" />
        <source>Toggle Editing on a point layer first</source>
        <translation>请先对点图层切换编辑</translation>
    </message>
</context><context>
    <name>NearestDistance</name>
    <message>
        <location filename="../../plugins/tools/nearest.py" line="44" />
        <source>Input layer</source>
        <translation>输入图层</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/nearest.py" line="45" />
        <source>Target layer</source>
        <translation>目标图层</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/nearest.py" line="46" />
        <source>Target id field</source>
        <translation>目标标识字段</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/nearest.py" line="47" />
        <source>Search radius</source>
        <translation>搜索半径</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/nearest.py" line="51" />
        <source>Features with nearest distance</source>
        <translation>带最近距离的要素</translation>
    </message>
</context><context>
    <name>NumberInput</name>
    <message>
        <location filename="../processing/widgets.py" line="250" />
        <source>use</source>
        <translation>使用</translation>
    </message>
    <message>
        <location filename="../processing/widgets.py" line="251" />
        <source>Tick to give this optional value; unticked, the algorithm runs without it</source>
        <translation>勾选以给出此可选值；不勾选时算法不使用它运行</translation>
    </message>
</context><context>
    <name>OpenStreetMap</name>
    <message>
        <location filename="../../layers/io/osm.py" line="151" />
        <source>buildings (building=*)</source>
        <translation>建筑物（building=*）</translation>
    </message>
    <message>
        <location filename="../../layers/io/osm.py" line="153" />
        <source>roads (highway=primary, residential, ...)</source>
        <translation>道路（highway=primary、residential 等）</translation>
    </message>
    <message>
        <location filename="../../layers/io/osm.py" line="155" />
        <source>schools (amenity=school, kindergarten, ...)</source>
        <translation>学校（amenity=school、kindergarten 等）</translation>
    </message>
    <message>
        <location filename="../../layers/io/osm.py" line="157" />
        <source>offices (office=*, building=office)</source>
        <translation>办公场所（office=*、building=office）</translation>
    </message>
    <message>
        <location filename="../../layers/io/osm.py" line="159" />
        <source>mobile sites (telecom=bts/antenna, man_made=mast/tower for communication)</source>
        <translation>移动通信站点（telecom=bts/antenna、用于通信的 man_made=mast/tower）</translation>
    </message>
    <message>
        <location filename="../../layers/io/osm.py" line="162" />
        <source>street lamps (highway=street_lamp)</source>
        <translation>路灯（highway=street_lamp）</translation>
    </message>
    <message>
        <location filename="../../layers/io/osm.py" line="173" />
        <source>OSM offices carry no rent, and an 'office_space' layer requires price_m2, so they were loaded as plain points without a kind; add a price_m2 field to use them as office space</source>
        <translation>OSM 办公场所没有租金信息，而 'office_space' 图层需要 price_m2，因此它们作为无图层类型的普通点加载；添加 price_m2 字段后即可作为写字楼使用</translation>
    </message>
    <message>
        <location filename="../../layers/io/osm.py" line="316" />
        <source>reading was cancelled</source>
        <translation>读取已取消</translation>
    </message>
    <message>
        <location filename="../../layers/io/osm.py" line="352" />
        <source>width_m of {count} roads computed as lanes × {lane:g} m</source>
        <translation>{count} 条道路的 width_m 按车道数 × {lane:g} m 计算</translation>
    </message>
    <message>
        <location filename="../../layers/io/osm.py" line="358" />
        <source>existing mobile sites read from {tags}; status set to 'active'</source>
        <translation>已从 {tags} 读取现有移动基站；status 设为 'active'</translation>
    </message>
    <message>
        <location filename="../../layers/io/osm.py" line="361" />
        <source>{count} features mapped as areas in OSM are shown as a point on their surface</source>
        <translation>OSM 中以面绘制的 {count} 个要素显示为其面内的一个点</translation>
    </message>
    <message>
        <location filename="../../layers/io/osm.py" line="371" />
        <source>has no layer named '{layer}'; an OSM extract gives the layers: {layers}</source>
        <translation>没有名为“{layer}”的图层；OSM 提取文件提供的图层有：{layers}</translation>
    </message>
    <message>
        <location filename="../../layers/io/osm.py" line="378" />
        <source> named {layer!r}</source>
        <translation>（名为 {layer!r}）</translation>
    </message>
    <message>
        <location filename="../../layers/io/osm.py" line="379" />
        <source>cannot give a '{kind}' layer{named}; an OSM extract gives the kinds: {kinds}</source>
        <translation>无法提供 '{kind}' 图层{named}；OSM 提取文件提供的图层类型有：{kinds}</translation>
    </message>
    <message>
        <location filename="../../layers/io/osm.py" line="399" />
        <source>the file does not exist</source>
        <translation>文件不存在</translation>
    </message>
    <message>
        <location filename="../../layers/io/osm.py" line="400" />
        <source>is not a file</source>
        <translation>不是文件</translation>
    </message>
    <message>
        <location filename="../../layers/io/osm.py" line="406" />
        <source>is not a readable OpenStreetMap file (it may be damaged or cut short): {problem}</source>
        <translation>不是可读的 OpenStreetMap 文件（可能已损坏或不完整）：{problem}</translation>
    </message>
    <message>
        <location filename="../../layers/io/osm.py" line="414" />
        <source>holds none of the features Lamplight reads from OSM: {looked}</source>
        <translation>不含 Lamplight 从 OSM 读取的任何要素：{looked}</translation>
    </message>
    <message>
        <location filename="../../layers/io/osm.py" line="419" />
        <source>read from OpenStreetMap (WGS84) and reprojected to {name} ({crs})</source>
        <translation>从 OpenStreetMap（WGS84）读取并重投影到 {name}（{crs}）</translation>
    </message>
    <message>
        <location filename="../../layers/io/osm.py" line="422" />
        <source>{count} OSM ways or areas were skipped because nodes are missing from the extract</source>
        <translation>由于提取文件中缺少节点，已跳过 {count} 条 OSM 路径或面</translation>
    </message>
    <message>
        <location filename="../../layers/io/osm.py" line="430" />
        <source>{count} OSM '{key}' values could not be read as numbers ({shown}) and were left empty</source>
        <translation>{count} 个 OSM '{key}' 值无法读取为数字（{shown}），已留空</translation>
    </message>
    <message>
        <location filename="../../layers/io/osm.py" line="444" />
        <source>the extract has no {missing}</source>
        <translation>提取文件中没有{missing}</translation>
    </message>
    <message>
        <location filename="../../layers/io/osm.py" line="445" />
        <source>; no </source>
        <translation>；也没有</translation>
    </message>
</context><context>
    <name>Parameter</name>
    <message>
        <location filename="../../plugins/api.py" line="219" />
        <source>point</source>
        <extracomment>The geometry families a layer parameter may ask for, named in the interface language where a parameter is described.</extracomment>
        <translation>点</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="219" />
        <source>line</source>
        <translation>线</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="220" />
        <source>polygon</source>
        <translation>多边形</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="375" />
        <source>raster layer</source>
        <translation>栅格图层</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="375" />
        <source>vector layer</source>
        <translation>矢量图层</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="377" />
        <source>{geometry} {layer}</source>
        <translation>{geometry}{layer}</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="380" />
        <source>{layer} of kind {kinds}</source>
        <translation>图层类型为 {kinds} 的 {layer}</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="415" />
        <source>numeric field of parameter '{parent}'</source>
        <translation>参数“{parent}”的数值字段</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="416" />
        <source>field of parameter '{parent}'</source>
        <translation>参数“{parent}”的字段</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="453" />
        <source>number</source>
        <translation>数字</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="457" />
        <source>{kind} in {unit}</source>
        <translation>{kind}（单位 {unit}）</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="459" />
        <source>{text}, {minimum} to {maximum}</source>
        <translation>{text}，{minimum} 至 {maximum}</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="462" />
        <source>{text}, at least {minimum}</source>
        <translation>{text}，至少 {minimum}</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="464" />
        <source>{text}, at most {maximum}</source>
        <translation>{text}，至多 {maximum}</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="492" />
        <source>distance</source>
        <translation>距离</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="592" />
        <source>integer</source>
        <translation>整数</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="634" />
        <location filename="../../plugins/api.py" line="631" />
        <source>one of {options}</source>
        <translation>以下之一：{options}</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="661" />
        <source>true or false</source>
        <translation>true 或 false</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="680" />
        <source>coordinate reference system, e.g. EPSG:32649</source>
        <translation>坐标参考系，例如 EPSG:32649</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="742" />
        <source>extent minx,miny,maxx,maxy (optionally followed by [EPSG:code])</source>
        <translation>范围 minx,miny,maxx,maxy（可后接 [EPSG:代码]）</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="771" />
        <source>file</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="772" />
        <source>file ({extensions})</source>
        <translation>文件（{extensions}）</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="787" />
        <source>text</source>
        <translation>文本</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="815" />
        <source>expression over the fields of parameter '{parent}', e.g. price_m2 &lt; 200 and industry == "finance"</source>
        <translation>基于参数“{parent}”字段的表达式，例如 price_m2 &lt; 200 and industry == "finance"</translation>
    </message>
</context><context>
    <name>ParameterError</name>
    <message>
        <location filename="../../plugins/api.py" line="195" />
        <source>a value is required</source>
        <translation>需要一个值</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="259" />
        <source>'{layer}' is a vector layer; a raster is needed</source>
        <translation>“{layer}”是矢量图层；此处需要栅格</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="261" />
        <source>'{layer}' is a raster; a vector layer is needed</source>
        <translation>“{layer}”是栅格；此处需要矢量图层</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="268" />
        <source>'{layer}' has {family} geometries; {needed} needed</source>
        <translation>“{layer}”的几何为{family}；此处需要{needed}</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="294" />
        <source>'{text}' is neither a layer of the project nor an existing file</source>
        <translation>“{text}”既不是项目中的图层，也不是已存在的文件</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="296" />
        <source>'{text}' is not an existing file</source>
        <translation>“{text}”不是已存在的文件</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="323" />
        <source>'{layer}' is of kind '{kind}'; expected {expected}</source>
        <translation>“{layer}”的图层类型为 '{kind}'；应为 {expected}</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="338" />
        <source>'{layer}' has no kind and does not fit {expected}: {problem}</source>
        <translation>“{layer}”没有图层类型，且不符合 {expected}：{problem}</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="396" />
        <source>needs a layer in parameter '{parent}' first</source>
        <translation>需要先在参数“{parent}”中指定图层</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="399" />
        <source>parameter '{parent}' is not a vector layer, so it has no fields</source>
        <translation>参数“{parent}”不是矢量图层，因此没有字段</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="403" />
        <source>layer '{layer}' has no field '{field}' (fields: {fields})</source>
        <translation>图层“{layer}”没有字段 '{field}'（字段：{fields}）</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="410" />
        <source>field '{field}' of layer '{layer}' is not numeric</source>
        <translation>图层“{layer}”的字段 '{field}' 不是数值型</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="433" />
        <source>must be a finite number, got {value!r}</source>
        <translation>必须是有限数，实际为 {value!r}</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="584" />
        <location filename="../../plugins/api.py" line="436" />
        <source>must be at least {minimum}, got {value}</source>
        <translation>必须至少为 {minimum}，实际为 {value}</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="587" />
        <location filename="../../plugins/api.py" line="439" />
        <source>must be at most {maximum}, got {value}</source>
        <translation>必须至多为 {maximum}，实际为 {value}</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="449" />
        <location filename="../../plugins/api.py" line="445" />
        <source>expected a number, got {value!r}</source>
        <translation>应为数字，实际为 {value!r}</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="487" />
        <source>expected a distance such as 250, '250 m' or '1.5 km', got {value!r}</source>
        <translation>应为距离，例如 250、'250 m' 或 '1.5 km'，实际为 {value!r}</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="581" />
        <location filename="../../plugins/api.py" line="578" />
        <location filename="../../plugins/api.py" line="574" />
        <source>expected a whole number, got {value!r}</source>
        <translation>应为整数，实际为 {value!r}</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="626" />
        <source>{value!r} is not one of {options}</source>
        <translation>{value!r} 不是 {options} 之一</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="658" />
        <source>expected true or false, got {value!r}</source>
        <translation>应为 true 或 false，实际为 {value!r}</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="765" />
        <source>{path} does not exist</source>
        <translation>{path} 不存在</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="766" />
        <source>{path} is not a file</source>
        <translation>{path} 不是文件</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="806" />
        <source>needs a vector layer in parameter '{parent}' first</source>
        <translation>需要先在参数 '{parent}' 中选择矢量图层</translation>
    </message>
    <message>
        <location filename="../../plugins/api.py" line="914" />
        <source>algorithm {id} has no such parameter (parameters: {parameters})</source>
        <translation>算法 {id} 没有此参数（参数：{parameters}）</translation>
    </message>
</context><context>
    <name>ParameterWidget</name>
    <message>
        <location filename="../processing/widgets.py" line="52" />
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
</context><context>
    <name>PathLossModel</name>
    <message>
        <location filename="../../plugins/coverage/config.py" line="39" />
        <source>Free space</source>
        <extracomment>How the models read in a dialog.</extracomment>
        <translation>自由空间</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/config.py" line="40" />
        <source>UMi street canyon (3GPP TR 38.901)</source>
        <translation>UMi 街道峡谷（3GPP TR 38.901）</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/config.py" line="41" />
        <source>UMa (3GPP TR 38.901)</source>
        <translation>UMa（3GPP TR 38.901）</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/config.py" line="42" />
        <source>Auto: UMi or UMa by antenna height</source>
        <translation>自动：按天线高度选 UMi 或 UMa</translation>
    </message>
</context><context>
    <name>PluginRegistry</name>
    <message>
        <location filename="../../plugins/registry.py" line="77" />
        <source>failed to import: {problem}</source>
        <translation>导入失败：{problem}</translation>
    </message>
    <message>
        <location filename="../../plugins/registry.py" line="112" />
        <source>has a submodule named 'algorithms' that hides its algorithms() function; rename the submodule</source>
        <translation>有一个名为 'algorithms' 的子模块遮蔽了其 algorithms() 函数；请重命名该子模块</translation>
    </message>
    <message>
        <location filename="../../plugins/registry.py" line="116" />
        <source>has no algorithms() function; a plugin must define one</source>
        <translation>没有 algorithms() 函数；插件必须定义该函数</translation>
    </message>
    <message>
        <location filename="../../plugins/registry.py" line="121" />
        <source>failed while listing its algorithms: {problem}</source>
        <translation>列出其算法时失败：{problem}</translation>
    </message>
    <message>
        <location filename="../../plugins/registry.py" line="133" />
        <source>could not create algorithm {item!r}: {problem}</source>
        <translation>无法创建算法 {item!r}：{problem}</translation>
    </message>
    <message>
        <location filename="../../plugins/registry.py" line="137" />
        <source>returned {value!r}, which is not a plugins.api.Algorithm</source>
        <translation>返回了 {value!r}，它不是 plugins.api.Algorithm</translation>
    </message>
    <message>
        <location filename="../../plugins/registry.py" line="141" />
        <source>algorithm {algorithm} has no id or name</source>
        <translation>算法 {algorithm} 没有 id 或名称</translation>
    </message>
    <message>
        <location filename="../../plugins/registry.py" line="145" />
        <source>algorithm id '{id}' is already provided by {origin}; this one is skipped</source>
        <translation>算法 id '{id}' 已由 {origin} 提供；已跳过此算法</translation>
    </message>
    <message>
        <location filename="../../plugins/registry.py" line="153" />
        <source>algorithm '{id}' cannot declare its parameters: {problem}</source>
        <translation>算法 '{id}' 无法声明其参数：{problem}</translation>
    </message>
    <message>
        <location filename="../../plugins/registry.py" line="166" />
        <source>is not installed</source>
        <translation>未安装</translation>
    </message>
    <message>
        <location filename="../../plugins/registry.py" line="182" />
        <source>could not be listed: {problem}</source>
        <translation>无法列出：{problem}</translation>
    </message>
    <message>
        <location filename="../../plugins/registry.py" line="235" />
        <source>its name '{name}' is already taken by the module {module!r}; rename it</source>
        <translation>其名称 '{name}' 已被模块 {module!r} 占用；请重命名</translation>
    </message>
    <message>
        <location filename="../../plugins/registry.py" line="245" />
        <source>Python has no loader for {file}</source>
        <translation>Python 没有 {file} 的加载器</translation>
    </message>
    <message>
        <location filename="../../plugins/registry.py" line="283" />
        <source>; did you mean {names}?</source>
        <translation>；您是否要找 {names}？</translation>
    </message>
    <message>
        <location filename="../../plugins/registry.py" line="284" />
        <source>; 'python main.py list' shows them all</source>
        <translation>；'python main.py list' 会列出全部算法</translation>
    </message>
    <message>
        <location filename="../../plugins/registry.py" line="289" />
        <source>; plugins that failed to load: {plugins}</source>
        <translation>；加载失败的插件：{plugins}</translation>
    </message>
    <message>
        <location filename="../../plugins/registry.py" line="291" />
        <source>no algorithm '{id}'{hint}</source>
        <translation>没有算法 '{id}'{hint}</translation>
    </message>
</context><context>
    <name>Processing</name>
    <message>
        <location filename="../processing/install.py" line="66" />
        <source>&amp;Toolbox</source>
        <translation>工具箱(&amp;T)</translation>
    </message>
    <message>
        <location filename="../processing/install.py" line="69" />
        <source>&amp;History</source>
        <translation>历史(&amp;H)</translation>
    </message>
    <message>
        <location filename="../processing/install.py" line="71" />
        <source>&amp;Results</source>
        <translation>结果(&amp;R)</translation>
    </message>
    <message>
        <location filename="../processing/install.py" line="72" />
        <source>The tables of the last run, or of a run chosen in the History</source>
        <translation>上次运行的表格，或在历史中选择的运行的表格</translation>
    </message>
</context><context>
    <name>ProcessingController</name>
    <message>
        <location filename="../processing/controller.py" line="33" />
        <source>Processing</source>
        <translation>处理</translation>
    </message>
    <message>
        <location filename="../processing/controller.py" line="34" />
        <source>{problem}. Is its plugin still installed?</source>
        <translation>{problem}。其插件是否仍已安装？</translation>
    </message>
</context><context>
    <name>Project</name>
    <message>
        <location filename="../../layers/project.py" line="97" />
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../layers/project.py" line="98" />
        <source>no layer named {name!r} in the project (layers: {names})</source>
        <translation>项目中没有名为 {name!r} 的图层（图层：{names}）</translation>
    </message>
    <message>
        <location filename="../../layers/project.py" line="214" />
        <source>the project has never been saved; choose a file name</source>
        <translation>项目从未保存过；请选择文件名</translation>
    </message>
</context><context>
    <name>ProjectArchive</name>
    <message>
        <location filename="../../layers/project_archive.py" line="49" />
        <source>project file does not exist</source>
        <translation>项目文件不存在</translation>
    </message>
    <message>
        <location filename="../../layers/project_archive.py" line="51" />
        <source>cannot be read ({problem})</source>
        <translation>无法读取（{problem}）</translation>
    </message>
    <message>
        <location filename="../../layers/project_archive.py" line="53" />
        <source>is not a regular file (a folder, device or pipe); choose a project file</source>
        <translation>不是普通文件（而是文件夹、设备或管道）；请选择项目文件</translation>
    </message>
    <message>
        <location filename="../../layers/project_archive.py" line="58" />
        <source>is not a Lamplight project file ({problem})</source>
        <translation>不是 Lamplight 项目文件（{problem}）</translation>
    </message>
    <message>
        <location filename="../../layers/project_archive.py" line="72" />
        <source>holds {count:,} files; a project holds at most {limit:,}</source>
        <translation>包含 {count:,} 个文件；一个项目最多包含 {limit:,} 个</translation>
    </message>
    <message>
        <location filename="../../layers/project_archive.py" line="80" />
        <source>'{member}' is encrypted; Lamplight projects never are</source>
        <translation>'{member}' 已加密；Lamplight 项目从不加密</translation>
    </message>
    <message>
        <location filename="../../layers/project_archive.py" line="84" />
        <source>'{member}' would unpack to {size}, more than the {limit} a project file may hold</source>
        <translation>'{member}' 解压后为 {size}，超过项目文件允许的 {limit}</translation>
    </message>
    <message>
        <location filename="../../layers/project_archive.py" line="90" />
        <source>'{member}' would unpack from {packed} to {size} ({ratio:,.0f} times); real project data never compresses more than {limit} times, so the file was not opened</source>
        <translation>'{member}' 会从 {packed} 解压为 {size}（{ratio:,.0f} 倍）；真实项目数据的压缩比从不超过 {limit} 倍，因此未打开该文件</translation>
    </message>
    <message>
        <location filename="../../layers/project_archive.py" line="98" />
        <source>would unpack to {size} in all, more than the {limit} a project file may hold</source>
        <translation>解压后共 {size}，超过项目文件允许的 {limit}</translation>
    </message>
    <message>
        <location filename="../../layers/project_archive.py" line="110" />
        <source>holds a file named '{member}', which points outside the project; the file was not opened</source>
        <translation>包含名为 '{member}' 的文件，它指向项目之外；未打开该文件</translation>
    </message>
    <message>
        <location filename="../../layers/project_archive.py" line="113" />
        <source>holds a link '{member}'; a project holds only files</source>
        <translation>包含链接 '{member}'；项目只能包含文件</translation>
    </message>
    <message>
        <location filename="../../layers/project_archive.py" line="117" />
        <source>holds two files named '{member}'</source>
        <translation>包含两个名为 '{member}' 的文件</translation>
    </message>
    <message>
        <location filename="../../layers/project_archive.py" line="126" />
        <source>project.json is missing: this is not a Lamplight project file, or it is damaged</source>
        <translation>缺少 project.json：这不是 Lamplight 项目文件，或文件已损坏</translation>
    </message>
    <message>
        <location filename="../../layers/project_archive.py" line="129" />
        <source>project.json is {size}; a project's settings take at most {limit}</source>
        <translation>project.json 大小为 {size}；项目设置最多占用 {limit}</translation>
    </message>
    <message>
        <location filename="../../layers/project_archive.py" line="145" />
        <location filename="../../layers/project_archive.py" line="136" />
        <source>project.json is damaged ({problem})</source>
        <translation>project.json 已损坏（{problem}）</translation>
    </message>
    <message>
        <location filename="../../layers/project_archive.py" line="139" />
        <source>project.json nests values more than {limit} levels deep; Lamplight never writes that, so the file is damaged</source>
        <translation>project.json 的嵌套深度超过 {limit} 层；Lamplight 从不写入这样的内容，因此文件已损坏</translation>
    </message>
    <message>
        <location filename="../../layers/project_archive.py" line="183" />
        <source>the data file '{member}' is missing from the project</source>
        <translation>项目中缺少数据文件 '{member}'</translation>
    </message>
    <message>
        <location filename="../../layers/project_archive.py" line="188" />
        <source>'{member}' needs {size} of temporary space; only {free} is free</source>
        <translation>'{member}' 需要 {size} 的临时空间；可用空间只有 {free}</translation>
    </message>
    <message>
        <location filename="../../layers/project_archive.py" line="197" />
        <source>'{member}' holds more than its declared size; the project file is damaged</source>
        <translation>'{member}' 的内容超过其声明的大小；项目文件已损坏</translation>
    </message>
    <message>
        <location filename="../../layers/project_archive.py" line="203" />
        <source>the data file '{member}' is damaged ({problem})</source>
        <translation>数据文件 '{member}' 已损坏（{problem}）</translation>
    </message>
</context><context>
    <name>ProjectFile</name>
    <message>
        <location filename="../../layers/project_file.py" line="33" />
        <source>folder {folder} does not exist</source>
        <translation>文件夹 {folder} 不存在</translation>
    </message>
    <message>
        <location filename="../../layers/project_file.py" line="45" />
        <source>could not save the project ({problem}); the previous file is unchanged</source>
        <translation>无法保存项目（{problem}）；原有文件保持不变</translation>
    </message>
    <message>
        <location filename="../../layers/project_file.py" line="82" />
        <source>cannot be saved, because Lamplight would not open the result: {problem}; the previous file is unchanged</source>
        <translation>无法保存，因为 Lamplight 将无法打开保存结果：{problem}；原文件未改变</translation>
    </message>
    <message>
        <location filename="../../layers/project_file.py" line="179" />
        <source>the project CRS in project.json is damaged: {problem}</source>
        <translation>project.json 中的项目坐标参考系已损坏：{problem}</translation>
    </message>
    <message>
        <location filename="../../layers/project_file.py" line="186" />
        <source>{problem}; the layer was skipped</source>
        <translation>{problem}；已跳过该图层</translation>
    </message>
    <message>
        <location filename="../../layers/project_file.py" line="199" />
        <source>could not be restored from project.json ({error}: {problem}); the layer was skipped</source>
        <translation>无法从 project.json 恢复（{error}：{problem}）；已跳过该图层</translation>
    </message>
    <message>
        <location filename="../../layers/project_file.py" line="218" />
        <source>is not a Lamplight project file (unknown format)</source>
        <translation>不是 Lamplight 项目文件（未知格式）</translation>
    </message>
    <message>
        <location filename="../../layers/project_file.py" line="221" />
        <source>was made by a newer Lamplight (format version {version}; this one reads up to {supported}); update Lamplight to open it</source>
        <translation>由更新版本的 Lamplight 创建（格式版本 {version}；本版本最多读取 {supported}）；请更新 Lamplight 后打开</translation>
    </message>
    <message>
        <location filename="../../layers/project_file.py" line="226" />
        <source>project.json cannot be used: {problem}</source>
        <translation>无法使用 project.json：{problem}</translation>
    </message>
    <message>
        <location filename="../../layers/project_file.py" line="289" />
        <source>{file}: layer '{layer}': not found in {folder}</source>
        <translation>{file}：图层 '{layer}'：在 {folder} 中未找到</translation>
    </message>
    <message>
        <location filename="../../layers/project_file.py" line="346" />
        <source>linked data file is missing</source>
        <translation>关联的数据文件缺失</translation>
    </message>
    <message>
        <location filename="../../layers/project_file.py" line="357" />
        <source>cannot find layer {layer!r} in the file</source>
        <translation>在文件中找不到图层 {layer!r}</translation>
    </message>
    <message>
        <location filename="../../layers/project_file.py" line="382" />
        <source>is neither a GeoPackage (.gpkg) nor a GeoTIFF (.tif) project member</source>
        <translation>既不是 GeoPackage (.gpkg) 也不是 GeoTIFF (.tif) 项目成员</translation>
    </message>
</context><context>
    <name>ProjectPropertiesDialog</name>
    <message>
        <location filename="../dialogs/project_properties.py" line="208" />
        <source>Project Properties</source>
        <translation>项目属性</translation>
    </message>
    <message>
        <location filename="../dialogs/project_properties.py" line="213" />
        <source>Estimating the local metric CRS from the project's data…</source>
        <translation>正在根据项目数据估计本地米制坐标参考系…</translation>
    </message>
    <message>
        <location filename="../dialogs/project_properties.py" line="215" />
        <source>Use Recommended</source>
        <translation>使用推荐值</translation>
    </message>
    <message>
        <location filename="../dialogs/project_properties.py" line="223" />
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location filename="../dialogs/project_properties.py" line="224" />
        <source>Project CRS</source>
        <translation>项目坐标参考系</translation>
    </message>
    <message>
        <location filename="../dialogs/project_properties.py" line="228" />
        <source>Recommended</source>
        <translation>推荐</translation>
    </message>
    <message>
        <location filename="../dialogs/project_properties.py" line="234" />
        <source>Choose the project CRS (the map is drawn in it; layers keep their own):</source>
        <translation>选择项目坐标参考系（地图以其绘制；各图层保留自身坐标参考系）：</translation>
    </message>
    <message>
        <location filename="../dialogs/project_properties.py" line="245" />
        <source>Add data to the project to get a recommendation.</source>
        <translation>向项目添加数据后可获得推荐。</translation>
    </message>
    <message>
        <location filename="../dialogs/project_properties.py" line="247" />
        <source>{crs}: the local metric CRS for the project's data.</source>
        <translation>{crs}：适合项目数据的本地米制坐标参考系。</translation>
    </message>
    <message>
        <location filename="../dialogs/project_properties.py" line="250" />
        <source>The current CRS does not measure true distances there ({why}); analyses measure in a local metric CRS instead.</source>
        <translation>当前坐标参考系在该地区无法量测真实距离（{why}）；分析将改用本地米制坐标参考系量测。</translation>
    </message>
    <message>
        <location filename="../dialogs/project_properties.py" line="266" />
        <source>none yet (set by the first data)</source>
        <translation>尚无（由第一份数据设定）</translation>
    </message>
</context><context>
    <name>ProjectSchema</name>
    <message>
        <location filename="../../layers/basemap_schema.py" line="24" />
        <location filename="../../layers/project_schema.py" line="46" />
        <location filename="../../layers/scenarios.py" line="402" />
        <source>a text of at most {limit} characters</source>
        <translation>最多 {limit} 个字符的文本</translation>
    </message>
    <message>
        <location filename="../../layers/scenarios.py" line="403" />
        <source>a list of at most {limit} pole ids (texts)</source>
        <translation>最多 {limit} 个灯杆编号（文本）的列表</translation>
    </message>
    <message>
        <location filename="../../layers/scenarios.py" line="412" />
        <source>a scenario (a group of settings)</source>
        <translation>一个方案（一组设置）</translation>
    </message>
    <message>
        <location filename="../../layers/scenarios.py" line="417" />
        <source>a scenario id (a short text)</source>
        <translation>方案编号（短文本）</translation>
    </message>
    <message>
        <location filename="../../layers/scenarios.py" line="420" />
        <source>a list of at most {limit} run ids</source>
        <translation>最多 {limit} 个运行编号的列表</translation>
    </message>
    <message>
        <location filename="../../layers/scenarios.py" line="428" />
        <source>a list of at most {limit} scenarios</source>
        <translation>最多 {limit} 个方案的列表</translation>
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="49" />
        <source>reading settings: x_field, y_field, sheet or crs</source>
        <translation>读取设置：x_field、y_field、sheet 或 crs</translation>
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="55" />
        <source>a sheet name or number</source>
        <translation>工作表名称或序号</translation>
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="57" />
        <source>a coordinate system such as EPSG:32649</source>
        <translation>坐标系，例如 EPSG:32649</translation>
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="64" />
        <source>the path of the linked data file</source>
        <translation>链接数据文件的路径</translation>
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="74" />
        <source>a data file of the project, such as data/roads.gpkg</source>
        <translation>项目的数据文件，例如 data/roads.gpkg</translation>
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="80" />
        <source>a layer entry (a group of settings)</source>
        <translation>一个图层条目（一组设置）</translation>
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="84" />
        <source>a layer id (a short text)</source>
        <translation>图层编号（短文本）</translation>
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="87" />
        <source>empty or one of the layer kinds: {kinds}</source>
        <translation>为空或为以下图层类型之一：{kinds}</translation>
    </message>
    <message>
        <location filename="../../layers/basemap_schema.py" line="59" />
        <location filename="../../layers/project_schema.py" line="88" />
        <source>true or false</source>
        <translation>true 或 false</translation>
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="90" />
        <source>a number from 0 to 1</source>
        <translation>0 到 1 之间的数</translation>
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="92" />
        <source>a style (a group of settings) or empty</source>
        <translation>样式（一组设置）或空</translation>
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="95" />
        <source>layer details (a group of settings) or empty</source>
        <translation>图层详情（一组设置）或空</translation>
    </message>
    <message>
        <location filename="../../layers/basemap_schema.py" line="68" />
        <location filename="../../layers/basemap_schema.py" line="58" />
        <location filename="../../layers/project_schema.py" line="98" />
        <source>a list of at most {limit} texts</source>
        <translation>最多 {limit} 个文本的列表</translation>
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="103" />
        <source>a run record or empty</source>
        <translation>运行记录或空</translation>
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="108" />
        <source>where the layer's data is (a group of settings)</source>
        <translation>图层数据所在位置（一组设置）</translation>
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="111" />
        <source>'file' or 'embedded'</source>
        <translation>'file' 或 'embedded'</translation>
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="121" />
        <source>a run record (a group of settings)</source>
        <translation>运行记录（一组设置）</translation>
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="273" />
        <location filename="../../layers/project_schema.py" line="135" />
        <location filename="../../layers/project_schema.py" line="132" />
        <location filename="../../layers/project_schema.py" line="126" />
        <source>a group of settings</source>
        <translation>一组设置</translation>
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="129" />
        <source>a list of texts</source>
        <translation>文本列表</translation>
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="141" />
        <location filename="../../layers/project_schema.py" line="139" />
        <source>a whole number, 0 or more</source>
        <translation>整数，0 或更大</translation>
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="144" />
        <source>a table with columns and data</source>
        <translation>带列和数据的表</translation>
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="153" />
        <source>a group of project settings</source>
        <translation>一组项目设置</translation>
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="157" />
        <source>'lamplight-project'</source>
        <translation>'lamplight-project'</translation>
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="159" />
        <source>a format version number such as 1</source>
        <translation>格式版本号，例如 1</translation>
    </message>
    <message>
        <location filename="../../layers/basemap_schema.py" line="29" />
        <location filename="../../layers/project_schema.py" line="166" />
        <source>a coordinate (a finite number)</source>
        <translation>坐标（有限数）</translation>
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="167" />
        <source>4 numbers: west, south, east, north</source>
        <translation>4 个数：西、南、东、北</translation>
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="171" />
        <source>a list of at most {limit} layer entries</source>
        <translation>最多 {limit} 个图层条目的列表</translation>
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="173" />
        <source>a list of at most {limit} run records</source>
        <translation>最多 {limit} 条运行记录的列表</translation>
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="197" />
        <source>item {index} is not a text of at most {limit} characters</source>
        <translation>第 {index} 项不是最多 {limit} 个字符的文本</translation>
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="245" />
        <source>{where} lacks '{field}'</source>
        <translation>{where} 缺少 '{field}'</translation>
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="248" />
        <source>{where} has a setting Lamplight does not know: '{field}'</source>
        <translation>{where} 含有 Lamplight 不认识的设置：'{field}'</translation>
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="250" />
        <source>{where} should be {expected}, not {found}</source>
        <translation>{where} 应为{expected}，而不是 {found}</translation>
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="257" />
        <source>a value of another type</source>
        <translation>其他类型的值</translation>
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="269" />
        <source>a text of {count:,} characters</source>
        <translation>{count:,} 个字符的文本</translation>
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="271" />
        <source>a list of {count:,} values</source>
        <translation>{count:,} 个值的列表</translation>
    </message>
    <message>
        <location filename="../../layers/basemap_schema.py" line="34" />
        <source>a whole number, 1 or more</source>
        <translation>整数，1 或更大</translation>
    </message>
    <message>
        <location filename="../../layers/basemap_schema.py" line="39" />
        <source>a tile matrix: id, resolution, left, top, tile width and height, matrix width and height</source>
        <translation>瓦片矩阵：编号、分辨率、左、上、瓦片宽度和高度、矩阵宽度和高度</translation>
    </message>
    <message>
        <location filename="../../layers/basemap_schema.py" line="43" />
        <source>a number above 0</source>
        <translation>大于 0 的数</translation>
    </message>
    <message>
        <location filename="../../layers/basemap_schema.py" line="49" />
        <source>'xyz', 'wms', 'wmts' or 'stack'</source>
        <translation>'xyz'、'wms'、'wmts' 或 'stack'</translation>
    </message>
    <message>
        <location filename="../../layers/basemap_schema.py" line="52" />
        <source>a web address (http or https) of at most {limit} characters</source>
        <translation>最多 {limit} 个字符的网址（http 或 https）</translation>
    </message>
    <message>
        <location filename="../../layers/basemap_schema.py" line="56" />
        <source>a whole number from 0 to 30</source>
        <translation>0 到 30 之间的整数</translation>
    </message>
    <message>
        <location filename="../../layers/basemap_schema.py" line="61" />
        <source>the name of a key setting (letters, digits)</source>
        <translation>密钥设置的名称（字母、数字）</translation>
    </message>
    <message>
        <location filename="../../layers/basemap_schema.py" line="63" />
        <source>a query parameter name (letters, digits)</source>
        <translation>查询参数名称（字母、数字）</translation>
    </message>
    <message>
        <location filename="../../layers/basemap_schema.py" line="73" />
        <source>a list of at most {limit} tile matrices</source>
        <translation>最多 {limit} 个瓦片矩阵的列表</translation>
    </message>
    <message>
        <location filename="../../layers/basemap_schema.py" line="83" />
        <source>a basemap (a group of settings)</source>
        <translation>一个底图（一组设置）</translation>
    </message>
    <message>
        <location filename="../../layers/basemap_schema.py" line="103" />
        <location filename="../../layers/basemap_schema.py" line="91" />
        <source>a list of at most {limit} basemaps</source>
        <translation>最多 {limit} 个底图的列表</translation>
    </message>
    <message>
        <location filename="../../layers/basemap_schema.py" line="99" />
        <source>basemap settings (a group of settings)</source>
        <translation>底图设置（一组设置）</translation>
    </message>
    <message>
        <location filename="../../layers/rf_profile.py" line="232" />
        <source>a profile name (a short text)</source>
        <translation>配置名称（短文本）</translation>
    </message>
    <message>
        <location filename="../../layers/rf_profile.py" line="236" />
        <source>a number from {minimum} to {maximum} {unit}</source>
        <translation>{minimum} 到 {maximum} {unit} 之间的数</translation>
    </message>
    <message>
        <location filename="../../layers/rf_profile.py" line="239" />
        <source>one of {choices}</source>
        <translation>{choices} 之一</translation>
    </message>
    <message>
        <location filename="../../layers/rf_profile.py" line="242" />
        <source>the RF profile (a group of radio settings) or empty</source>
        <translation>射频配置（一组无线参数设置）或空</translation>
    </message>
</context><context>
    <name>ProjectSession</name>
    <message>
        <location filename="../window/project_session.py" line="106" />
        <source>the project has never been saved; choose a file name</source>
        <translation>项目从未保存过；请选择文件名</translation>
    </message>
    <message>
        <location filename="../window/project_session.py" line="131" />
        <source>Autosave failed: {error}</source>
        <translation>自动保存失败：{error}</translation>
    </message>
    <message>
        <location filename="../window/project_session.py" line="132" />
        <source>Autosaved a copy to {path}</source>
        <translation>已自动保存副本到 {path}</translation>
    </message>
</context><context>
    <name>QgisProjectDialog</name>
    <message>
        <location filename="../export/qgis_export.py" line="24" />
        <source>Export QGIS Project</source>
        <translation>导出 QGIS 项目</translation>
    </message>
    <message>
        <location filename="../export/qgis_export.py" line="25" />
        <source>QGIS project (*.qgz)</source>
        <translation>QGIS 项目 (*.qgz)</translation>
    </message>
</context><context>
    <name>QgisProjectWriter</name>
    <message>
        <location filename="../export/qgis_export.py" line="50" />
        <source>Could not export the QGIS project</source>
        <translation>无法导出 QGIS 项目</translation>
    </message>
    <message>
        <location filename="../export/qgis_export.py" line="53" />
        <source>Exported QGIS project {path}</source>
        <translation>已导出 QGIS 项目 {path}</translation>
    </message>
</context><context>
    <name>RasterStyleEditor</name>
    <message>
        <location filename="../dialogs/style_editor.py" line="471" />
        <source>Discrete classes (no blending)</source>
        <translation>离散分类（不渐变）</translation>
    </message>
    <message>
        <location filename="../dialogs/style_editor.py" line="480" />
        <source>Band</source>
        <translation>波段</translation>
    </message>
    <message>
        <location filename="../dialogs/style_editor.py" line="481" />
        <source>Colour ramp</source>
        <translation>色带</translation>
    </message>
    <message>
        <location filename="../dialogs/style_editor.py" line="483" />
        <source>Minimum</source>
        <translation>最小值</translation>
    </message>
    <message>
        <location filename="../dialogs/style_editor.py" line="484" />
        <source>Maximum</source>
        <translation>最大值</translation>
    </message>
    <message>
        <location filename="../dialogs/style_editor.py" line="486" />
        <source>Unit</source>
        <translation>单位</translation>
    </message>
</context><context>
    <name>Relaxation</name>
    <message>
        <location filename="../../plugins/siting/relaxation.py" line="62" />
        <source>saturation test</source>
        <extracomment>The phase a stop by the safety limit names by default (translated where it is recorded).</extracomment>
        <translation>饱和性检验</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/relaxation.py" line="162" />
        <source>root LP</source>
        <translation>根节点线性规划</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/relaxation.py" line="177" />
        <source>cut rounds</source>
        <translation>割平面轮次</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/relaxation.py" line="299" />
        <source>covering LP</source>
        <translation>覆盖线性规划</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/solve.py" line="95" />
        <source>LP bound</source>
        <translation>LP 界</translation>
    </message>
    <message>
        <source>saturation test</source>
        <translation type="vanished">饱和性检验</translation>
    </message>
</context><context>
    <name>RenderError</name>
    <message>
        <location filename="../render/geometry.py" line="175" />
        <source>cannot reproject to {crs} for drawing ({problem})</source>
        <translation>无法重投影到 {crs} 进行绘制（{problem}）</translation>
    </message>
    <message>
        <location filename="../render/renderer.py" line="199" />
        <source>label field '{field}' is not a field of the layer</source>
        <translation>标注字段“{field}”不是该图层的字段</translation>
    </message>
    <message>
        <location filename="../render/renderer.py" line="322" />
        <source>style field '{field}' is not a field of the layer (fields: {fields})</source>
        <translation>样式字段“{field}”不是该图层的字段（字段：{fields}）</translation>
    </message>
    <message>
        <location filename="../render/sectors.py" line="41" />
        <source>sector style needs field '{field}' with azimuths, which the layer does not have</source>
        <translation>扇区样式需要带方位角的字段“{field}”，但该图层没有此字段</translation>
    </message>
    <message>
        <location filename="../render/sectors.py" line="55" />
        <source>field '{field}' row {row}: {text} is not comma-separated degrees</source>
        <translation>字段“{field}”第 {row} 行：{text} 不是以逗号分隔的角度</translation>
    </message>
</context><context>
    <name>Report</name>
    <message>
        <location filename="../export/report_layout.py" line="119" />
        <source>Map of the visible layers. Data: {sources}.</source>
        <translation>可见图层地图。数据：{sources}。</translation>
    </message>
    <message>
        <location filename="../export/report_layout.py" line="120" />
        <source>Map of the visible layers.</source>
        <translation>可见图层地图。</translation>
    </message>
    <message>
        <location filename="../export/report_layout.py" line="125" />
        <source>Briefing report</source>
        <translation>简报</translation>
    </message>
    <message>
        <location filename="../export/report_layout.py" line="128" />
        <source>Key figures</source>
        <translation>关键指标</translation>
    </message>
    <message>
        <location filename="../export/report_layout.py" line="129" />
        <source>Map</source>
        <translation>地图</translation>
    </message>
    <message>
        <location filename="../export/report_layout.py" line="130" />
        <source>Map of {title}</source>
        <translation>{title}地图</translation>
    </message>
    <message>
        <location filename="../export/report_layout.py" line="136" />
        <source>Charts</source>
        <translation>图表</translation>
    </message>
    <message>
        <location filename="../export/report_layout.py" line="139" />
        <source>Runs</source>
        <translation>运行记录</translation>
    </message>
    <message>
        <location filename="../export/report_layout.py" line="142" />
        <source>Selected sites ({count})</source>
        <translation>已选站点（{count}）</translation>
    </message>
    <message>
        <location filename="../export/report_layout.py" line="143" />
        <source>Selected sites (continued, from row {row})</source>
        <translation>已选站点（续，自第 {row} 行）</translation>
    </message>
    <message>
        <location filename="../export/report_layout.py" line="147" />
        <source>{title} (continued, from row {row})</source>
        <translation>{title}（续，自第 {row} 行）</translation>
    </message>
    <message>
        <location filename="../export/report_layout.py" line="149" />
        <source>Lamplight briefing report · {title}</source>
        <translation>Lamplight 简报 · {title}</translation>
    </message>
</context><context>
    <name>ReportCharts</name>
    <message>
        <location filename="../export/report_charts.py" line="77" />
        <source>Coverage vs number of sites</source>
        <translation>覆盖率与站点数</translation>
    </message>
    <message>
        <location filename="../export/report_charts.py" line="81" />
        <source>Sites selected (in rank order)</source>
        <translation>已选站点（按排序）</translation>
    </message>
    <message>
        <location filename="../export/report_charts.py" line="82" />
        <source>Demand covered (%)</source>
        <translation>需求覆盖率（%）</translation>
    </message>
    <message>
        <location filename="../export/report_charts.py" line="88" />
        <source>{share} % with {count} sites</source>
        <translation>{count} 个站点覆盖 {share} %</translation>
    </message>
    <message>
        <location filename="../export/report_charts.py" line="103" />
        <source>RSRP distribution</source>
        <translation>RSRP 分布</translation>
    </message>
    <message>
        <location filename="../export/report_charts.py" line="114" />
        <source>RSRP (dBm)</source>
        <translation>RSRP（dBm）</translation>
    </message>
    <message>
        <location filename="../export/report_charts.py" line="115" />
        <source>Share of area with signal (%)</source>
        <translation>有信号面积占比（%）</translation>
    </message>
    <message>
        <location filename="../export/report_charts.py" line="119" />
        <source>threshold {value} dBm</source>
        <translation>门限 {value} dBm</translation>
    </message>
    <message>
        <location filename="../export/report_charts.py" line="120" />
        <source>{label}
{share} % of it at or above</source>
        <translation>{label}
其中 {share} % 达到或高于门限</translation>
    </message>
    <message>
        <location filename="../export/report_charts.py" line="131" />
        <source>Sites per phase</source>
        <translation>各期站点数</translation>
    </message>
    <message>
        <location filename="../export/report_charts.py" line="133" />
        <source>Phase {phase}</source>
        <translation>第 {phase} 期</translation>
    </message>
    <message>
        <location filename="../export/report_charts.py" line="134" />
        <source>
cost {amount}</source>
        <translation>
成本 {amount}</translation>
    </message>
    <message>
        <location filename="../export/report_charts.py" line="137" />
        <source>Sites</source>
        <translation>站点</translation>
    </message>
</context><context>
    <name>ReportData</name>
    <message>
        <location filename="../export/report_data.py" line="33" />
        <source>Residents covered</source>
        <extracomment>The coverage run's shares (``&lt;measure&gt;_covered_pct``) and their labels, translated where shown; a figure's key is ``&lt;measure&gt;_covered``.</extracomment>
        <translation>覆盖常住人口</translation>
    </message>
    <message>
        <location filename="../export/report_data.py" line="34" />
        <source>Workers covered</source>
        <translation>覆盖就业人口</translation>
    </message>
    <message>
        <location filename="../export/report_data.py" line="35" />
        <source>Schools covered</source>
        <translation>覆盖学校</translation>
    </message>
    <message>
        <location filename="../export/report_data.py" line="36" />
        <source>Buildings covered</source>
        <translation>覆盖建筑物</translation>
    </message>
    <message>
        <location filename="../export/report_data.py" line="37" />
        <source>Area covered</source>
        <translation>覆盖面积</translation>
    </message>
    <message>
        <location filename="../export/report_data.py" line="153" />
        <source>RSRP of {count} sites</source>
        <translation>{count} 个站点的 RSRP</translation>
    </message>
    <message>
        <location filename="../export/report_data.py" line="154" />
        <source>RSRP coverage</source>
        <translation>RSRP 覆盖</translation>
    </message>
    <message>
        <location filename="../export/report_data.py" line="167" />
        <source> ({count} sites)</source>
        <translation>（{count} 个站点）</translation>
    </message>
    <message>
        <location filename="../export/report_data.py" line="168" />
        <source>The RSRP coverage figures are of the coverage run on '{transmitters}'{of}, not of the {count} sites in '{layer}'; run the coverage on '{layer}' for the coverage of this plan.</source>
        <translation>RSRP 覆盖数据来自对“{transmitters}”{of}的覆盖运行，而非“{layer}”中的 {count} 个站点；要得到此方案的覆盖，请对“{layer}”运行覆盖分析。</translation>
    </message>
    <message>
        <location filename="../export/report_data.py" line="181" />
        <source>Sites selected</source>
        <translation>已选站点数</translation>
    </message>
    <message>
        <location filename="../export/report_data.py" line="195" />
        <source>Optimality gap</source>
        <translation>最优性间隙</translation>
    </message>
    <message>
        <location filename="../export/report_data.py" line="201" />
        <source>Total cost</source>
        <translation>总成本</translation>
    </message>
    <message>
        <location filename="../export/report_data.py" line="222" />
        <source>No siting run in this project: run a siting algorithm to fill the site table and charts.</source>
        <translation>此项目中没有选址运行：请运行选址算法以生成站点表和图表。</translation>
    </message>
    <message>
        <location filename="../export/report_data.py" line="225" />
        <source>No RSRP raster in this project: run the coverage analysis for the RSRP distribution.</source>
        <translation>此项目中没有 RSRP 栅格：请运行覆盖分析以得到 RSRP 分布。</translation>
    </message>
</context><context>
    <name>ReportDialog</name>
    <message>
        <location filename="../export/dialogs.py" line="270" />
        <source>Export briefing report</source>
        <translation>导出简报</translation>
    </message>
    <message>
        <location filename="../export/dialogs.py" line="271" />
        <source>Briefing report</source>
        <translation>简报</translation>
    </message>
    <message>
        <location filename="../export/dialogs.py" line="272" />
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../export/dialogs.py" line="285" />
        <source>PDF (*.pdf);;Web page (*.html)</source>
        <translation>PDF (*.pdf);;网页 (*.html)</translation>
    </message>
    <message>
        <location filename="../export/dialogs.py" line="293" />
        <source>Exporting {name}…</source>
        <translation>正在导出 {name}…</translation>
    </message>
</context><context>
    <name>ReportPdf</name>
    <message>
        <location filename="../export/report_pdf.py" line="337" />
        <source>Page {page} of {pages}</source>
        <translation>第 {page} 页，共 {pages} 页</translation>
    </message>
    <message>
        <source>Briefing report</source>
        <translation type="vanished">简报</translation>
    </message>
    <message>
        <source>Map of the visible layers. Data: {sources}.</source>
        <translation type="vanished">可见图层地图。数据：{sources}。</translation>
    </message>
    <message>
        <source>Map of the visible layers.</source>
        <translation type="vanished">可见图层地图。</translation>
    </message>
    <message>
        <source>Charts</source>
        <translation type="vanished">图表</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation type="vanished">运行记录</translation>
    </message>
    <message>
        <source>Selected sites ({count})</source>
        <translation type="vanished">已选站点（{count}）</translation>
    </message>
    <message>
        <source>Selected sites (continued, from row {row})</source>
        <translation type="vanished">已选站点（续，自第 {row} 行）</translation>
    </message>
    <message>
        <source>Lamplight briefing report · {title}</source>
        <translation type="vanished">Lamplight 简报 · {title}</translation>
    </message>
</context><context>
    <name>ReportRuns</name>
    <message>
        <location filename="../export/report_runs.py" line="71" />
        <source>Siting run</source>
        <translation>选址运行</translation>
    </message>
    <message>
        <location filename="../export/report_runs.py" line="72" />
        <source>Coverage run</source>
        <translation>覆盖运行</translation>
    </message>
    <message>
        <location filename="../export/report_runs.py" line="83" />
        <source>Solved by</source>
        <translation>求解器</translation>
    </message>
</context><context>
    <name>ReportScenarios</name>
    <message>
        <location filename="../export/report_scenarios.py" line="24" />
        <source>Scenarios compared with “{name}”</source>
        <translation>与“{name}”比较的方案</translation>
    </message>
    <message>
        <location filename="../export/report_scenarios.py" line="43" />
        <source>Scenario</source>
        <translation>方案</translation>
    </message>
    <message>
        <location filename="../export/report_scenarios.py" line="43" />
        <source>Sites</source>
        <translation>站点</translation>
    </message>
    <message>
        <location filename="../export/report_scenarios.py" line="44" />
        <source>Cost</source>
        <translation>成本</translation>
    </message>
    <message>
        <location filename="../export/report_scenarios.py" line="44" />
        <source>People covered</source>
        <translation>覆盖人口</translation>
    </message>
    <message>
        <location filename="../export/report_scenarios.py" line="45" />
        <source>People (%)</source>
        <translation>人口（%）</translation>
    </message>
    <message>
        <location filename="../export/report_scenarios.py" line="45" />
        <source>Cost per 1,000 more</source>
        <translation>每多覆盖 1,000 人的成本</translation>
    </message>
    <message>
        <location filename="../export/report_scenarios.py" line="46" />
        <source>Shared sites</source>
        <translation>共有站点</translation>
    </message>
    <message>
        <location filename="../export/report_scenarios.py" line="46" />
        <source>Note</source>
        <translation>备注</translation>
    </message>
</context><context>
    <name>ReportTable</name>
    <message>
        <location filename="../export/report_table.py" line="20" />
        <source>Rank</source>
        <extracomment>Headings of the leading columns (translated where shown); "people" heads the cumulative column when the plan recorded people covered.</extracomment>
        <translation>排序</translation>
    </message>
    <message>
        <location filename="../export/report_table.py" line="20" />
        <source>Pole</source>
        <translation>灯杆</translation>
    </message>
    <message>
        <location filename="../export/report_table.py" line="21" />
        <source>Phase</source>
        <translation>分期</translation>
    </message>
    <message>
        <location filename="../export/report_table.py" line="21" />
        <source>Adds (%)</source>
        <translation>新增（%）</translation>
    </message>
    <message>
        <location filename="../export/report_table.py" line="22" />
        <source>Covered (%)</source>
        <translation>累计覆盖（%）</translation>
    </message>
    <message>
        <location filename="../export/report_table.py" line="23" />
        <source>People covered (%)</source>
        <translation>覆盖人口（%）</translation>
    </message>
    <message>
        <location filename="../export/report_table.py" line="24" />
        <source>Adds (demand)</source>
        <translation>新增（需求）</translation>
    </message>
    <message>
        <location filename="../export/report_table.py" line="25" />
        <source>Cost</source>
        <translation>成本</translation>
    </message>
</context><context>
    <name>Resources</name>
    <message>
        <location filename="../../plugins/resources.py" line="68" />
        <source>needs about {need} of memory for {what}; {free} are free. To run it, {change}.</source>
        <translation>计算 {what} 约需 {need} 内存；当前可用 {free}。如需运行，请{change}。</translation>
    </message>
    <message>
        <location filename="../../plugins/resources.py" line="78" />
        <source>would compute about {work} {unit} for {what}, more than the {limit} a run may take (hours of work). To run it, {change}.</source>
        <translation>计算 {what} 约需处理 {work} {unit}，超过单次运行允许的 {limit}（需数小时）。如需运行，请{change}。</translation>
    </message>
</context><context>
    <name>ResultsDock</name>
    <message>
        <location filename="../processing/results.py" line="42" />
        <source>The tables of a run (coverage statistics, demand per site, …) appear here; the History's Show tables brings back those of earlier runs.</source>
        <translation>运行生成的表格（覆盖统计、各站点需求……）显示在这里；历史中的“显示表格”可重新打开以前运行的表格。</translation>
    </message>
    <message>
        <location filename="../processing/results.py" line="133" />
        <source>Processing Results</source>
        <translation>处理结果</translation>
    </message>
    <message>
        <location filename="../processing/results.py" line="142" />
        <source>The tables this run produced</source>
        <translation>本次运行生成的表格</translation>
    </message>
    <message>
        <location filename="../processing/results.py" line="154" />
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../processing/results.py" line="155" />
        <source>Copy the table (tab-separated, pastes into a spreadsheet)</source>
        <translation>复制表格（制表符分隔，可粘贴到电子表格）</translation>
    </message>
    <message>
        <location filename="../processing/results.py" line="156" />
        <source>Save as CSV…</source>
        <translation>另存为 CSV…</translation>
    </message>
    <message>
        <location filename="../processing/results.py" line="181" />
        <source>{name}: this run has no tables.</source>
        <translation>{name}：本次运行没有表格。</translation>
    </message>
    <message>
        <location filename="../processing/results.py" line="186" />
        <source>{count:,} row</source>
        <translation>{count:,} 行</translation>
    </message>
    <message>
        <location filename="../processing/results.py" line="186" />
        <source>{count:,} rows</source>
        <translation>{count:,} 行</translation>
    </message>
    <message>
        <location filename="../processing/results.py" line="232" />
        <source>Table not saved</source>
        <translation>表格未保存</translation>
    </message>
    <message>
        <location filename="../processing/results.py" line="238" />
        <source>Save table as CSV</source>
        <translation>将表格保存为 CSV</translation>
    </message>
    <message>
        <location filename="../processing/results.py" line="239" />
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
</context><context>
    <name>RfProfile</name>
    <message>
        <location filename="../../layers/rf_profile.py" line="145" />
        <source>the RF profile needs a name</source>
        <translation>射频配置需要名称</translation>
    </message>
    <message>
        <location filename="../../layers/rf_profile.py" line="149" />
        <source>RF profile setting '{name}' must be a number, not {value!r}</source>
        <translation>射频配置项 '{name}' 必须是数字，而不是 {value!r}</translation>
    </message>
    <message>
        <location filename="../../layers/rf_profile.py" line="153" />
        <source>receiver height {value:g} m is outside {low:g}-{high:g} m, the UE heights for which TR 38.901's path-loss models are valid</source>
        <translation>接收机高度 {value:g} m 超出 {low:g}-{high:g} m，即 TR 38.901 路径损耗模型适用的终端 (UE) 高度</translation>
    </message>
    <message>
        <location filename="../../layers/rf_profile.py" line="156" />
        <source>RF profile setting '{name}' is {value:g} {unit}, outside {low:g}-{high:g}</source>
        <translation>射频配置项 '{name}' 为 {value:g} {unit}，超出 {low:g}-{high:g}</translation>
    </message>
    <message>
        <location filename="../../layers/rf_profile.py" line="161" />
        <source>RF profile setting '{name}' is '{value}'; choose one of {choices}</source>
        <translation>射频配置项 '{name}' 为 '{value}'；请从 {choices} 中选择</translation>
    </message>
    <message>
        <location filename="../../layers/rf_profile.py" line="195" />
        <source>rf_profile has a setting Lamplight does not know: '{name}'</source>
        <translation>rf_profile 含有 Lamplight 不认识的设置：'{name}'</translation>
    </message>
    <message>
        <location filename="../../layers/rf_profile.py" line="200" />
        <source>rf_profile cannot be used: {problem}</source>
        <translation>无法使用 rf_profile：{problem}</translation>
    </message>
    <message>
        <location filename="../../layers/rf_profile.py" line="208" />
        <source>RF profile '{name}': {frequency:g} MHz, {bandwidth:g} MHz at {scs:g} kHz; micro {micro_eirp:g} dBm EIRP ({micro_antenna}, {micro_height:g} m), macro {macro_eirp:g} dBm EIRP ({macro_antenna}, {macro_height:g} m, tilt {tilt:g}°); receiver {rx:g} m, NF {nf:g} dB; RSRP &gt;= {threshold:g} dBm at {probability:g} % location probability (σ UMi {umi_los:g}/{umi_nlos:g} dB, UMa {uma_los:g}/{uma_nlos:g} dB LOS/NLOS); indoor loss {indoor}; load {load:g}</source>
        <translation>射频配置“{name}”：{frequency:g} MHz，带宽 {bandwidth:g} MHz，子载波间隔 {scs:g} kHz；微基站 EIRP {micro_eirp:g} dBm（{micro_antenna}，{micro_height:g} m），宏基站 EIRP {macro_eirp:g} dBm（{macro_antenna}，{macro_height:g} m，下倾角 {tilt:g}°）；接收机 {rx:g} m，噪声系数 {nf:g} dB；RSRP &gt;= {threshold:g} dBm，位置概率 {probability:g} %（σ UMi {umi_los:g}/{umi_nlos:g} dB，UMa {uma_los:g}/{uma_nlos:g} dB，视距/非视距）；室内穿透损耗 {indoor}；负载 {load:g}</translation>
    </message>
</context><context>
    <name>RfProfileDialog</name>
    <message>
        <location filename="../dialogs/rf_profile.py" line="117" />
        <location filename="../dialogs/rf_profile.py" line="36" />
        <source>RF Profile</source>
        <translation>射频配置</translation>
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="38" />
        <source>Carrier frequency</source>
        <translation>载波频率</translation>
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="38" />
        <source>Channel bandwidth</source>
        <translation>信道带宽</translation>
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="39" />
        <source>Subcarrier spacing</source>
        <translation>子载波间隔</translation>
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="40" />
        <source>Micro (lamp pole): transmit power</source>
        <translation>微基站（灯杆）：发射功率</translation>
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="41" />
        <source>Micro: antenna gain</source>
        <translation>微基站：天线增益</translation>
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="41" />
        <source>Micro: antenna</source>
        <translation>微基站：天线</translation>
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="42" />
        <source>Micro: downtilt</source>
        <translation>微基站：下倾角</translation>
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="42" />
        <source>Micro: antenna height</source>
        <translation>微基站：天线高度</translation>
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="43" />
        <source>Macro (existing site): transmit power</source>
        <translation>宏基站（现有站点）：发射功率</translation>
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="44" />
        <source>Macro: antenna gain</source>
        <translation>宏基站：天线增益</translation>
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="44" />
        <source>Macro: antenna</source>
        <translation>宏基站：天线</translation>
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="45" />
        <source>Macro: downtilt</source>
        <translation>宏基站：下倾角</translation>
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="45" />
        <source>Macro: antenna height</source>
        <translation>宏基站：天线高度</translation>
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="46" />
        <source>Sector beamwidth</source>
        <translation>扇区波束宽度</translation>
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="46" />
        <source>Receiver height (≥ 1.5 m)</source>
        <translation>接收机高度（≥ 1.5 m）</translation>
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="47" />
        <source>Receiver noise figure</source>
        <translation>接收机噪声系数</translation>
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="47" />
        <source>RSRP threshold</source>
        <translation>RSRP 门限</translation>
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="48" />
        <source>SINR threshold</source>
        <translation>SINR 门限</translation>
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="49" />
        <source>Cell-edge location probability</source>
        <translation>小区边缘位置概率</translation>
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="50" />
        <source>Shadow fading σ, UMi LOS</source>
        <translation>阴影衰落 σ，UMi 视距 (LOS)</translation>
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="51" />
        <source>Shadow fading σ, UMi NLOS</source>
        <translation>阴影衰落 σ，UMi 非视距 (NLOS)</translation>
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="52" />
        <source>Shadow fading σ, UMa LOS</source>
        <translation>阴影衰落 σ，UMa 视距 (LOS)</translation>
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="53" />
        <source>Shadow fading σ, UMa NLOS</source>
        <translation>阴影衰落 σ，UMa 非视距 (NLOS)</translation>
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="54" />
        <source>Indoor (O2I) loss</source>
        <translation>室内 (O2I) 损耗</translation>
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="54" />
        <source>Load of interfering cells</source>
        <translation>干扰小区负载</translation>
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="55" />
        <source>Maximum link length</source>
        <translation>最大链路长度</translation>
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="61" />
        <source>Profile name</source>
        <translation>配置名称</translation>
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="83" />
        <source>Coverage, rf-mode siting and the statistics use these values unless a run's parameters override them. Sources of the defaults: docs/coverage_model.md.</source>
        <translation>除非某次运行的参数另行指定，覆盖、射频模式选址和统计都使用这些值。默认值的来源：docs/coverage_model.md。</translation>
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="86" />
        <source>Reset to defaults</source>
        <translation>恢复默认值</translation>
    </message>
</context><context>
    <name>RoadSnapper</name>
    <message>
        <location filename="../../layers/snapping.py" line="59" />
        <source>has no coordinate reference system, so distances in metres cannot be measured</source>
        <translation>没有坐标参考系，因此无法以米量测距离</translation>
    </message>
</context><context>
    <name>Run</name>
    <message>
        <location filename="../../plugins/coverage/obstruction.py" line="226" />
        <location filename="../../plugins/siting/highs_process.py" line="174" />
        <location filename="../../plugins/siting/reduce.py" line="166" />
        <location filename="../../plugins/api.py" line="114" />
        <source>the run was cancelled</source>
        <translation>运行已取消</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/tiles.py" line="265" />
        <location filename="../../plugins/coverage/engine.py" line="164" />
        <location filename="../../plugins/coverage/engine.py" line="126" />
        <source>the coverage run was cancelled</source>
        <translation>覆盖分析运行已取消</translation>
    </message>
</context><context>
    <name>Scenarios</name>
    <message>
        <location filename="../../layers/scenarios.py" line="100" />
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../layers/scenarios.py" line="101" />
        <source>no scenario named {name!r} in the project (scenarios: {names})</source>
        <translation>项目中没有名为 {name!r} 的方案（现有方案：{names}）</translation>
    </message>
    <message>
        <location filename="../../layers/scenarios.py" line="108" />
        <source>scenario {name!r} is not in the project</source>
        <translation>方案 {name!r} 不在项目中</translation>
    </message>
    <message>
        <location filename="../../layers/scenarios.py" line="112" />
        <source>Scenario</source>
        <translation>方案</translation>
    </message>
    <message>
        <location filename="../../layers/scenarios.py" line="117" />
        <source>a project holds at most {limit:,} scenarios</source>
        <translation>一个项目最多包含 {limit:,} 个方案</translation>
    </message>
    <message>
        <location filename="../../layers/scenarios.py" line="155" />
        <source>Add scenario '{name}'</source>
        <translation>添加方案“{name}”</translation>
    </message>
    <message>
        <location filename="../../layers/scenarios.py" line="167" />
        <source>Delete scenario '{name}'</source>
        <translation>删除方案“{name}”</translation>
    </message>
    <message>
        <location filename="../../layers/scenarios.py" line="179" />
        <source>a scenario needs a name</source>
        <translation>方案需要名称</translation>
    </message>
    <message>
        <location filename="../../layers/scenarios.py" line="182" />
        <source>Rename scenario '{old}' to '{new}'</source>
        <translation>将方案“{old}”重命名为“{new}”</translation>
    </message>
    <message>
        <location filename="../../layers/scenarios.py" line="198" />
        <source>run '{run}' has no run id; run it again</source>
        <translation>运行“{run}”没有运行编号；请重新运行</translation>
    </message>
    <message>
        <location filename="../../layers/scenarios.py" line="201" />
        <source>run '{run}' ({started}) is already in scenario '{name}'</source>
        <translation>运行“{run}”（{started}）已在方案“{name}”中</translation>
    </message>
    <message>
        <location filename="../../layers/scenarios.py" line="205" />
        <source>a scenario holds at most {limit:,} runs</source>
        <translation>一个方案最多包含 {limit:,} 次运行</translation>
    </message>
    <message>
        <location filename="../../layers/scenarios.py" line="208" />
        <source>Add run '{run}' to scenario '{name}'</source>
        <translation>将运行“{run}”添加到方案“{name}”</translation>
    </message>
    <message>
        <location filename="../../layers/scenarios.py" line="244" />
        <source>the selected sites of run '{run}' ({started}) are no longer in the project; run it again</source>
        <translation>运行“{run}”（{started}）的已选站点已不在项目中；请重新运行</translation>
    </message>
    <message>
        <location filename="../../layers/scenarios.py" line="254" />
        <source>run '{run}' is not a siting run; a scenario starts from a siting plan</source>
        <translation>运行“{run}”不是选址运行；方案须以选址方案为起点</translation>
    </message>
    <message>
        <location filename="../../layers/scenarios.py" line="361" />
        <source>no layer of the project places the poles of '{a}' and '{b}'; their sites layers were removed</source>
        <translation>项目中没有图层能定位“{a}”和“{b}”的灯杆；它们的站点图层已被移除</translation>
    </message>
    <message>
        <location filename="../../layers/scenarios.py" line="374" />
        <source>{n} sites of '{a}' / '{b}' are in no layer of the project (e.g. {ids}); add their poles layer back</source>
        <translation>“{a}” / “{b}”中有 {n} 个站点不在项目的任何图层中（例如 {ids}）；请重新添加其灯杆图层</translation>
    </message>
    <message>
        <location filename="../../layers/scenarios.py" line="381" />
        <location filename="../../layers/scenarios.py" line="380" />
        <source>only in {name}</source>
        <translation>仅在 {name} 中</translation>
    </message>
    <message>
        <location filename="../../layers/scenarios.py" line="382" />
        <source>in both</source>
        <translation>两者皆有</translation>
    </message>
    <message>
        <location filename="../../layers/scenarios.py" line="386" />
        <source>Compare {a} / {b}</source>
        <translation>比较 {a} / {b}</translation>
    </message>
</context><context>
    <name>ScenariosDock</name>
    <message>
        <location filename="../docks/scenarios.py" line="126" />
        <source>Scenario</source>
        <translation>方案</translation>
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="127" />
        <source>Sites</source>
        <translation>站点</translation>
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="128" />
        <source>Cost</source>
        <translation>成本</translation>
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="129" />
        <source>People covered</source>
        <translation>覆盖人口</translation>
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="130" />
        <source>People %</source>
        <translation>人口 %</translation>
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="131" />
        <source>Residents %</source>
        <translation>常住人口 %</translation>
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="132" />
        <source>Workers %</source>
        <translation>就业人口 %</translation>
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="133" />
        <source>Schools %</source>
        <translation>学校 %</translation>
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="134" />
        <source>Cost per 1,000 more people</source>
        <translation>每多覆盖 1,000 人的成本</translation>
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="135" />
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="139" />
        <source>Scenarios</source>
        <translation>方案</translation>
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="163" />
        <source>New from last run…</source>
        <translation>由上次运行新建…</translation>
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="163" />
        <source>A scenario of the last siting run and the decisions in force</source>
        <translation>由上次选址运行及当前生效的决定生成的方案</translation>
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="165" />
        <source>Add Coverage Run</source>
        <translation>添加覆盖运行</translation>
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="165" />
        <source>Add the last coverage run to the selected scenario: its residents, workers and schools covered show here</source>
        <translation>将上次覆盖运行添加到所选方案：其覆盖的常住人口、就业人口和学校显示在这里</translation>
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="168" />
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="168" />
        <source>Rename the selected scenario</source>
        <translation>重命名所选方案</translation>
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="169" />
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="169" />
        <source>Delete the selected scenarios (Ctrl+Z brings them back)</source>
        <translation>删除所选方案（Ctrl+Z 可恢复）</translation>
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="171" />
        <source>Compare…</source>
        <translation>比较…</translation>
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="171" />
        <source>Two selected scenarios side by side: a map layer of the sites only in A, only in B and in both, a swipe between the two plans and a table</source>
        <translation>并排比较两个所选方案：一个显示仅在 A、仅在 B 和两者共有站点的地图图层，两个方案之间的卷帘对比，以及一张表</translation>
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="175" />
        <source>End Swipe</source>
        <translation>结束卷帘</translation>
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="175" />
        <source>Remove the swipe divider from the map</source>
        <translation>从地图上移除卷帘分隔线</translation>
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="186" />
        <source>Marginal cost relative to</source>
        <translation>边际成本的比较基准</translation>
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="239" />
        <source>{sites} sites; {locked} poles locked, {excluded} excluded; {runs} run(s)</source>
        <translation>{sites} 个站点；锁定 {locked} 根灯杆，排除 {excluded} 根；{runs} 次运行</translation>
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="307" />
        <location filename="../docks/scenarios.py" line="292" />
        <source>Run a siting algorithm first: a scenario starts from its plan</source>
        <translation>请先运行选址算法：方案以其规划结果为起点</translation>
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="295" />
        <source>{sites} sites, {method}</source>
        <translation>{sites} 个站点，{method}</translation>
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="300" />
        <location filename="../docks/scenarios.py" line="297" />
        <source>New Scenario</source>
        <translation>新建方案</translation>
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="297" />
        <source>Name of the scenario:</source>
        <translation>方案名称：</translation>
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="300" />
        <source>Note (optional):</source>
        <translation>备注（可选）：</translation>
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="317" />
        <source>Scenario “{name}”: {sites} sites</source>
        <translation>方案“{name}”：{sites} 个站点</translation>
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="325" />
        <source>Select one scenario, after a coverage run of its sites</source>
        <translation>请选择一个方案，并先对其站点运行覆盖计算</translation>
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="338" />
        <source>Rename Scenario</source>
        <translation>重命名方案</translation>
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="338" />
        <source>New name:</source>
        <translation>新名称：</translation>
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="357" />
        <source>Select two scenarios to compare</source>
        <translation>请选择两个方案进行比较</translation>
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="371" />
        <source>“{layer}”: {a} sites only in {name_a}, {b} only in {name_b}, {both} in both</source>
        <translation>“{layer}”：{a} 个站点仅在 {name_a} 中，{b} 个仅在 {name_b} 中，{both} 个两者共有</translation>
    </message>
</context><context>
    <name>SearchDock</name>
    <message>
        <location filename="../docks/search_panel.py" line="36" />
        <source>any</source>
        <extracomment>Shown for "no condition" in the drop-downs and spin boxes (the choice itself carries no data).</extracomment>
        <translation>任意</translation>
    </message>
    <message>
        <location filename="../docks/search_panel.py" line="49" />
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <location filename="../docks/search_panel.py" line="69" />
        <source>Find office space</source>
        <translation>查找办公空间</translation>
    </message>
    <message>
        <location filename="../docks/search_panel.py" line="72" />
        <source>Office space</source>
        <translation>办公空间</translation>
    </message>
    <message>
        <location filename="../docks/search_panel.py" line="93" />
        <location filename="../docks/search_panel.py" line="74" />
        <source>Layer</source>
        <translation>图层</translation>
    </message>
    <message>
        <location filename="../docks/search_panel.py" line="75" />
        <source>Price at most</source>
        <translation>价格不超过</translation>
    </message>
    <message>
        <location filename="../docks/search_panel.py" line="78" />
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <location filename="../docks/search_panel.py" line="80" />
        <source>Lease term</source>
        <translation>租期</translation>
    </message>
    <message>
        <location filename="../docks/search_panel.py" line="81" />
        <source>Industry</source>
        <translation>行业</translation>
    </message>
    <message>
        <location filename="../docks/search_panel.py" line="89" />
        <source>Find schools</source>
        <translation>查找学校</translation>
    </message>
    <message>
        <location filename="../docks/search_panel.py" line="91" />
        <source>Schools</source>
        <translation>学校</translation>
    </message>
    <message>
        <location filename="../docks/search_panel.py" line="94" />
        <source>Level</source>
        <translation>学段</translation>
    </message>
    <message>
        <location filename="../docks/search_panel.py" line="97" />
        <source>Choose criteria and press Find.</source>
        <translation>选择条件后按“查找”。</translation>
    </message>
    <message>
        <location filename="../docks/search_panel.py" line="107" />
        <source>Zoom to matches</source>
        <translation>缩放到匹配项</translation>
    </message>
    <message>
        <location filename="../docks/search_panel.py" line="140" />
        <source>(no {kind} layer in the project)</source>
        <translation>（项目中没有 {kind} 图层）</translation>
    </message>
    <message>
        <location filename="../docks/search_panel.py" line="176" />
        <source>Add an office space layer (kind 'office_space') to search listings.</source>
        <translation>添加办公空间图层（图层类型 'office_space'）以搜索房源。</translation>
    </message>
    <message>
        <location filename="../docks/search_panel.py" line="181" />
        <source>&lt;b&gt;{count:,}&lt;/b&gt; listing(s) found among {total:,}</source>
        <translation>在 {total:,} 条房源中找到 &lt;b&gt;{count:,}&lt;/b&gt; 条</translation>
    </message>
    <message>
        <location filename="../docks/search_panel.py" line="186" />
        <source>Add a schools layer (kind 'schools') to search schools.</source>
        <translation>添加学校图层（图层类型 'schools'）以搜索学校。</translation>
    </message>
    <message>
        <location filename="../docks/search_panel.py" line="189" />
        <source>&lt;b&gt;{count:,}&lt;/b&gt; school(s) found among {total:,}</source>
        <translation>在 {total:,} 所学校中找到 &lt;b&gt;{count:,}&lt;/b&gt; 所</translation>
    </message>
    <message>
        <location filename="../docks/search_panel.py" line="212" />
        <source> (first {count:,} listed)</source>
        <translation>（列出前 {count:,} 条）</translation>
    </message>
    <message>
        <location filename="../docks/search_panel.py" line="214" />
        <source>; selected on the map.</source>
        <translation>；已在地图上选中。</translation>
    </message>
</context><context>
    <name>SetCovering</name>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="596" />
        <source>Share of reachable demand to cover</source>
        <translation>需覆盖的可达需求比例</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="598" />
        <source>Minimise</source>
        <translation>最小化</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="599" />
        <source>Number of sites</source>
        <translation>站点数</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="599" />
        <source>Cost</source>
        <translation>成本</translation>
    </message>
</context><context>
    <name>Siting</name>
    <message>
        <location filename="../../plugins/siting/solve.py" line="288" />
        <source>swaps raised the greedy plan from {old} to {new}</source>
        <translation>交换将贪心方案从 {old} 提高到 {new}</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/solve.py" line="293" />
        <source>only {count} sites add coverage; more than that cannot cover more demand</source>
        <translation>只有 {count} 个站点能增加覆盖；更多站点无法覆盖更多需求</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/solve.py" line="297" />
        <source>all coverable demand</source>
        <translation>全部可覆盖需求</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/solve.py" line="298" />
        <source>greedy bound</source>
        <translation>贪心界</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/solve.py" line="299" />
        <source>top-k bound</source>
        <translation>top-k 界</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/solve.py" line="319" />
        <source>Lagrangian bound at the duals of {iterations:,} PDLP iterations</source>
        <translation>{iterations:,} 次 PDLP 迭代对偶值处的拉格朗日界</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/solve.py" line="326" />
        <source>Lagrangian bound ({steps:,} subgradient steps)</source>
        <translation>拉格朗日界（{steps:,} 步次梯度）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/solve.py" line="337" />
        <source>the Lagrangian ranking with swaps found a better plan ({value})</source>
        <translation>拉格朗日排序加交换找到了更优方案（{value}）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/solve.py" line="350" />
        <source>window search raised the plan from {old} to {new} ({windows:,} windows)</source>
        <translation>窗口搜索将方案从 {old} 提高到 {new}（{windows:,} 个窗口）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/solve.py" line="360" />
        <source>block search re-planned {blocks:,} blocks of up to {sites} sites from {starts} random starts each ({sweeps} sweeps, {improved:,} blocks better): {old} -&gt; {new}</source>
        <translation>块搜索重新规划了 {blocks:,} 个块（每块最多 {sites} 个站点，每块 {starts} 次随机起点；{sweeps} 轮扫描，{improved:,} 个块更优）：{old} -&gt; {new}</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/solve.py" line="419" />
        <source>root LP with odd-cycle cuts and MILP</source>
        <translation>带奇环割的根节点 LP 与 MILP</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/solve.py" line="432" />
        <source>MILP bound</source>
        <translation>MILP 界</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/solve.py" line="491" />
        <source>the LP relaxation covers {share:.4%} of the coverable demand with {k} fractional sites, so no LP bound can prove more than covering all of it; the work went to the plan</source>
        <translation>LP 松弛用 {k} 个分数站点覆盖了可覆盖需求的 {share:.4%}，因此任何 LP 界都只能证明不超过全覆盖；计算量已全部用于改进方案</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/solve.py" line="497" />
        <source>window search re-solved {windows:,} windows of up to {largest} sites, {improved:,} of them better: {old} -&gt; {new}</source>
        <translation>窗口搜索重解了 {windows:,} 个窗口（每个最多 {largest} 个站点），其中 {improved:,} 个更优：{old} -&gt; {new}</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/solve.py" line="627" />
        <source>{out} of {total} demand is out of reach of every candidate and is not counted in the target</source>
        <translation>{total} 的需求中有 {out} 不在任何候选灯杆的覆盖范围内，不计入目标</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/solve.py" line="651" />
        <source>taking sites in the order of the LP relaxation gives a cover of {cost} (greedy: {greedy})</source>
        <translation>按 LP 松弛的顺序选取站点得到的覆盖成本为 {cost}（贪心：{greedy}）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/solve.py" line="689" />
        <source>HiGHS's plan did not check out against the full problem; its bound is not used</source>
        <translation>HiGHS 的方案未通过完整问题的校验；不采用其界</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/solve.py" line="719" />
        <source>cover descent took the cover from {old:,} to {new:,} sites ({windows:,} window solves)</source>
        <translation>覆盖下降将覆盖方案从 {old:,} 个站点减至 {new:,} 个（{windows:,} 次窗口求解）</translation>
    </message>
</context><context>
    <name>SitingAlgorithm</name>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="55" />
        <source>Empty: the project's RF profile.</source>
        <translation>为空：取项目的射频配置。</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="267" />
        <source>give exactly one of a demand layer or a demand raster</source>
        <translation>需求图层与需求栅格须且只能给出其一</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="270" />
        <source>{low:g} m is above the highest usable pole ({high:g} m)</source>
        <translation>{low:g} m 高于可用灯杆的最高高度（{high:g} m）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="273" />
        <source>needs a demand layer</source>
        <translation>需要需求图层</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="296" />
        <source>no lamp pole of '{layer}' is eligible ({reasons}); relax the height range, status or keep-out rules</source>
        <translation>“{layer}”中没有符合条件的灯杆（{reasons}）；请放宽高度范围、状态或禁建规则</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="299" />
        <source>{eligible:,} of {poles:,} poles eligible</source>
        <translation>{poles:,} 根灯杆中有 {eligible:,} 根符合条件</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="301" />
        <source>; {count:,} {why}</source>
        <translation>；{count:,} 根{why}</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="307" />
        <source>demand '{layer}' holds no people to cover (all weights are 0 or empty)</source>
        <translation>需求“{layer}”中没有可覆盖的人口（所有权重为 0 或为空）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="318" />
        <source>not counted again</source>
        <translation>不再重复计入</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="319" />
        <source>counted at {factor:g} x their weight</source>
        <translation>按其权重的 {factor:g} 倍计入</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="320" />
        <source>{how}: {share:.1%} of demand points, {effect}</source>
        <translation>{how}：占需求点的 {share:.1%}，{effect}</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="328" />
        <source>{points:,} demand points ({measure}), {pairs:,} pole-point pairs; {share:.1f}% of demand within reach</source>
        <translation>{points:,} 个需求点（{measure}），{pairs:,} 个灯杆-需求点对；{share:.1f}% 的需求在覆盖范围内</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="412" />
        <source>siting model's count (demand sampled at points, a point covered when any chosen pole clears its margin, single links without the street-canyon walk): {share:.2f}% of people</source>
        <translation>选址模型的计数（需求按点采样；任一选中灯杆满足余量即算该点覆盖；单条链路，不含街道峡谷步行项）：人口的 {share:.2f}%</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="421" />
        <source>People covered is the siting model's count: the coverage prediction counts the residents and workers of a demand layer</source>
        <translation>覆盖人口采用选址模型的计数：覆盖预测只统计需求图层的居民和就业人口</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="429" />
        <source>People covered is the siting model's count: the coverage prediction of the plan failed: {problem}</source>
        <translation>覆盖人口采用选址模型的计数：方案的覆盖预测失败：{problem}</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="433" />
        <source>People covered (coverage prediction of the selected sites, coverage.rsrp's default settings): {share:.2f}% ({people:,.0f} of {total:,.0f})</source>
        <translation>覆盖人口（选中站点的覆盖预测，coverage.rsrp 默认设置）：{share:.2f}%（{total:,.0f} 人中的 {people:,.0f} 人）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="474" />
        <source>{problem}; the greedy method runs without this process</source>
        <translation>{problem}；贪心方法无需此进程即可运行</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="476" />
        <source>{sites} sites, {share:.2f}% of the siting model's weighted demand covered, {status}, within {gap:.3g}% of optimal ({solver}, {seconds:.2f} s)</source>
        <translation>{sites} 个站点，覆盖选址模型加权需求的 {share:.2f}%，{status}，距最优不超过 {gap:.3g}%（{solver}，{seconds:.2f} 秒）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="124" />
        <source>Candidate lamp poles</source>
        <translation>候选灯杆</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="126" />
        <source>Demand (points or polygons)</source>
        <translation>需求（点或多边形）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="128" />
        <source>A demand layer (residents + workers), buildings (floor area) or any layer with a weight field. Polygons are sampled on a grid of points.</source>
        <translation>需求图层（常住人口 + 就业人口）、建筑物（建筑面积），或任何带权重字段的图层。多边形按点网格采样。</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="130" />
        <source>Demand weight field</source>
        <translation>需求权重字段</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="131" />
        <source>Default: residents + workers, building floor area, or 1 per feature.</source>
        <translation>默认：常住人口 + 就业人口、建筑面积，或每个要素计 1。</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="132" />
        <source>Demand raster (people per cell)</source>
        <translation>需求栅格（每像元人口）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="133" />
        <source>Used instead of a demand layer: one point per cell with a positive value.</source>
        <translation>代替需求图层使用：每个正值像元一个点。</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="134" />
        <source>Polygon sampling spacing</source>
        <translation>多边形采样间距</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="136" />
        <source>Solver</source>
        <translation>求解器</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="137" />
        <source>Exact (MILP, proven gap)</source>
        <translation>精确（MILP，给出已证明间隙）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="138" />
        <source>Greedy (very large instances)</source>
        <translation>贪心（超大规模问题）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="139" />
        <source>exact: MILP on HiGHS with a work limit, returning the optimality gap; greedy: lazy greedy (with swaps) and proven bounds, for very large instances.</source>
        <translation>exact：在 HiGHS 上带工作量限制求解 MILP，返回最优性间隙；greedy：惰性贪心（带交换）并给出已证明的界，适用于超大规模问题。</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="143" />
        <source>Outer safety time limit</source>
        <translation>外部安全时间限制</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="145" />
        <source>Only a safety: where the solver stops is decided by the work limit, so a re-run gives the same plan on any machine. A run stopped by this limit says so, and may differ on another machine. 0: automatic, five times what the run's work is estimated to take (at least 60 s), so that only a stuck solver meets it; a limit typed here is kept to within 10 %.</source>
        <translation>仅作安全保障：求解器在何处停止由工作量限制决定，因此在任何机器上重新运行都得到相同方案。被此限制停止的运行会注明，且在其他机器上结果可能不同。0：自动，取该运行工作量估计耗时的五倍（至少 60 秒），只有卡住的求解器才会触及；在此输入的限制会被遵守，误差在 10 % 以内。</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="151" />
        <source>Work limit (simplex iterations; 0: automatic)</source>
        <translation>工作量限制（单纯形迭代次数；0：自动）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="153" />
        <source>The solver's effort, counted in simplex iterations (a branch-and-bound node counts 200, a window of window search 2,000). 0: 20 per pole-point pair, between 1 and 200 million.</source>
        <translation>求解器的工作量，以单纯形迭代次数计（一个分支定界节点计 200，窗口搜索的一个窗口计 2,000）。0：每个灯杆-需求点对 20 次，介于 1 到 2 亿之间。</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="156" />
        <source>Rollout phases</source>
        <translation>分期建设期数</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="157" />
        <source>Coverage curve up to (sites)</source>
        <translation>覆盖曲线的站点数上限</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="158" />
        <source>Default: twice the number of chosen sites.</source>
        <translation>默认：所选站点数的两倍。</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="159" />
        <source>Coverage relation</source>
        <translation>覆盖关系</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="160" />
        <source>Within a radius</source>
        <translation>半径范围内</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="160" />
        <source>Predicted RSRP (RF)</source>
        <translation>预测 RSRP（射频）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="161" />
        <source>radius: a pole covers demand within the radius; rf: predicted RSRP above the threshold with building line of sight (coverage model).</source>
        <translation>radius：灯杆覆盖半径内的需求；rf：按建筑物视距预测的 RSRP 高于门限（覆盖模型）。</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="163" />
        <source>Coverage radius (radius mode)</source>
        <translation>覆盖半径（半径模式）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="165" />
        <source>RSRP threshold (rf mode)</source>
        <translation>RSRP 门限（射频模式）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="167" />
        <source>Largest link length (rf mode)</source>
        <translation>最大链路长度（射频模式）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="169" />
        <source>Carrier frequency (rf mode)</source>
        <translation>载波频率（射频模式）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="171" />
        <source>EIRP per micro-station (rf mode)</source>
        <translation>每个微基站的 EIRP（射频模式）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="173" />
        <source>Empty: the RF profile's micro EIRP (power + antenna gain).</source>
        <translation>为空：取射频配置中微基站的 EIRP（功率 + 天线增益）。</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="174" />
        <source>Cell-edge location probability (rf mode)</source>
        <translation>小区边缘位置概率（射频模式）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="176" />
        <source>A pole covers a point when RSRP minus the shadow-fading margin reaches the threshold, as in the coverage analysis.</source>
        <translation>当 RSRP 减去阴影衰落余量达到门限时，灯杆即覆盖该点，与覆盖分析相同。</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="178" />
        <source>Buildings (line of sight, rf mode)</source>
        <translation>建筑物（视距，射频模式）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="180" />
        <source>Height raster (line of sight, rf mode)</source>
        <translation>高度栅格（视距，射频模式）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="181" />
        <source>Terrain (line of sight, rf mode)</source>
        <translation>地形（视距，射频模式）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="183" />
        <source>Ground elevation (DEM) in any CRS and resolution: line of sight over ground + buildings, pole and receiver heights above the local ground.</source>
        <translation>任意坐标参考系和分辨率的地面高程 (DEM)：视距在地面 + 建筑物之上计算，灯杆和接收机高度为相对当地地面的高度。</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="186" />
        <source>Lowest usable pole</source>
        <translation>可用灯杆最低高度</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="187" />
        <source>Highest usable pole</source>
        <translation>可用灯杆最高高度</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="189" />
        <source>Include planned poles</source>
        <translation>包括规划中的灯杆</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="190" />
        <source>Only poles with power</source>
        <translation>仅限有供电的灯杆</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="191" />
        <source>Keep-out features (e.g. schools)</source>
        <translation>禁建要素（如学校）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="193" />
        <source>Keep-out distance</source>
        <translation>禁建缓冲距离</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="194" />
        <source>More keep-out layers, each with its distance</source>
        <translation>更多禁建图层，各带自身距离</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="196" />
        <source>e.g. 'Schools:50; Existing 5G sites:100': no pole within the distance of a feature of the layer is chosen.</source>
        <translation>例如 'Schools:50; Existing 5G sites:100'：不会选择距图层要素在该距离以内的灯杆。</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="199" />
        <source>Cost per site</source>
        <translation>每站点成本</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="200" />
        <source>Extra cost without power</source>
        <translation>无供电附加成本</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="201" />
        <source>Cost field (overrides the above)</source>
        <translation>成本字段（优先于以上设置）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="203" />
        <source>Schools (priority demand)</source>
        <translation>学校（优先需求）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="204" />
        <source>Weight of demand near schools</source>
        <translation>学校附近需求的权重</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="206" />
        <source>Office clusters (priority demand)</source>
        <translation>办公集聚区（优先需求）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="208" />
        <source>Weight of demand near offices</source>
        <translation>办公区附近需求的权重</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="210" />
        <source>Priority distance</source>
        <translation>优先距离</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="212" />
        <source>Existing 5G sites</source>
        <translation>现有 5G 基站</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="214" />
        <source>Existing sites' reach</source>
        <translation>现有站点的覆盖范围</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="216" />
        <source>Radius mode: demand within it counts as served; rf mode: how far to look.</source>
        <translation>半径模式：此范围内的需求视为已服务；射频模式：搜索范围。</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="218" />
        <source>Weight of demand already served</source>
        <translation>已服务需求的权重</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="219" />
        <source>0 leaves served demand out; 0.5 counts it half.</source>
        <translation>0 表示不计已服务需求；0.5 表示按一半计。</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="220" />
        <source>Weight of a second covering site</source>
        <translation>第二覆盖站点的权重</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="221" />
        <source>0: plain coverage; e.g. 0.3 rewards back-up coverage.</source>
        <translation>0：普通覆盖；例如 0.3 奖励备份覆盖。</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="227" />
        <source>Locked poles (always built)</source>
        <translation>锁定的灯杆（必建）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="228" />
        <source>Pole ids (TH-000012, TH-000044) or FIELD=VALUE (decision=approved). Locked poles count toward k and the budget; the demand they cover is not counted again.</source>
        <translation>灯杆编号（TH-000012, TH-000044）或 字段=值（decision=approved）。锁定的灯杆计入 k 和预算；它们覆盖的需求不重复计算。</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="231" />
        <source>Excluded poles (never built)</source>
        <translation>排除的灯杆（不建）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="232" />
        <source>Pole ids or FIELD=VALUE (decision=rejected).</source>
        <translation>灯杆编号或 字段=值（decision=rejected）。</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="233" />
        <source>Decision field of the poles</source>
        <translation>灯杆的决定字段</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="234" />
        <source>Poles whose value is one of the locked values are locked, one of the excluded values excluded (批准 / 否决 are understood as approved / rejected).</source>
        <translation>值属于锁定值之一的灯杆被锁定，属于排除值之一的被排除（批准 / 否决 视同 approved / rejected）。</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="236" />
        <source>Decision values that lock a pole</source>
        <translation>锁定灯杆的决定值</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="239" />
        <location filename="../../plugins/siting/algorithm.py" line="237" />
        <source>Several values separated by |.</source>
        <translation>多个值以 | 分隔。</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="238" />
        <source>Decision values that exclude a pole</source>
        <translation>排除灯杆的决定值</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="240" />
        <source>Locked poles from a layer</source>
        <translation>来自图层的锁定灯杆</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="242" />
        <source>Excluded poles from a layer</source>
        <translation>来自图层的排除灯杆</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="243" />
        <source>Earlier plan whose first phases are kept</source>
        <translation>保留前几期的既有方案</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="244" />
        <source>The selected sites of an earlier run: its first phases are locked and keep their phase; the rest is planned again.</source>
        <translation>以前一次运行的所选站点：其前几期被锁定并保留期次；其余重新规划。</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="246" />
        <source>Phases of the earlier plan to keep</source>
        <translation>保留既有方案的期数</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="248" />
        <source>Match layer poles by</source>
        <translation>图层灯杆匹配方式</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="249" />
        <source>Pole id</source>
        <translation>灯杆编号</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="249" />
        <source>Location</source>
        <translation>位置</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="250" />
        <source>id: the pole_id field; location: the nearest pole within the distance below.</source>
        <translation>id：按 pole_id 字段；location：下方距离内最近的灯杆。</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="252" />
        <source>Largest distance to a matched pole</source>
        <translation>与匹配灯杆的最大距离</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="259" />
        <source>Selected sites (rank, phase, marginal and cumulative coverage, cost)</source>
        <translation>所选站点（排序、分期、边际与累计覆盖、成本）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="260" />
        <source>Covered demand</source>
        <translation>已覆盖需求</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="261" />
        <source>Uncovered demand</source>
        <translation>未覆盖需求</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="262" />
        <source>Coverage versus number of sites (the siting model's count)</source>
        <translation>覆盖率与站点数的关系（选址模型的计数）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="487" />
        <source>bound from: {source}</source>
        <translation>界的来源：{source}</translation>
    </message>
    <message>
        <source>{sites} sites, {share:.2f}% of demand covered, {status}, within {gap:.3g}% of optimal ({solver}, {seconds:.2f} s)</source>
        <translation type="vanished">{sites} 个站点，覆盖 {share:.2f}% 的需求，{status}，与最优相差不超过 {gap:.3g}%（{solver}，{seconds:.2f} 秒）</translation>
    </message>
    <message>
        <source>Only a safety: where the solver stops is decided by the work limit, so a re-run gives the same plan on any machine. A run stopped by this limit says so, and may differ on another machine.</source>
        <translation type="vanished">仅作安全保障：求解器在何处停止由工作量限制决定，因此在任何机器上重新运行都得到相同方案。因此限制而停止的运行会注明这一点，在其他机器上结果可能不同。</translation>
    </message>
    <message>
        <source>Coverage versus number of sites</source>
        <translation type="vanished">覆盖与站点数关系</translation>
    </message>
</context><context>
    <name>SitingBudget</name>
    <message>
        <location filename="../../plugins/siting/budget.py" line="42" />
        <source>use a smaller radius (or maximum radius in rf mode), a coarser demand sampling spacing or fewer poles</source>
        <translation>采用更小的半径（射频模式下为最大半径）、更大的需求采样间距或更少的灯杆</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/budget.py" line="96" />
        <source>{poles:,} poles x {points:,} demand points within {radius:,.0f} m ({pairs} pole-point pairs)</source>
        <translation>{poles:,} 根灯杆 × {points:,} 个需求点（{radius:,.0f} m 以内，{pairs} 个灯杆-需求点对）</translation>
    </message>
</context><context>
    <name>SitingCandidates</name>
    <message>
        <location filename="../../plugins/siting/candidates.py" line="76" />
        <source>has no cost field '{field}'</source>
        <translation>没有成本字段 '{field}'</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/candidates.py" line="82" />
        <source>cost field '{field}': {count} poles have no positive cost (features {rows})</source>
        <translation>成本字段 '{field}'：{count} 根灯杆没有正的成本（要素 {rows}）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/candidates.py" line="106" />
        <source>within {distance:g} m of {layer}</source>
        <translation>距 {layer} {distance:g} m 以内</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/candidates.py" line="133" />
        <source>no location</source>
        <translation>无位置</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/candidates.py" line="134" />
        <source>out of service</source>
        <translation>未在用</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/candidates.py" line="135" />
        <source>no power</source>
        <translation>无供电</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/candidates.py" line="137" />
        <source>too low</source>
        <translation>过低</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/candidates.py" line="138" />
        <source>too high</source>
        <translation>过高</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/candidates.py" line="139" />
        <source>carries 5G already</source>
        <translation>已挂载 5G</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/candidates.py" line="140" />
        <source>no free attachment slot</source>
        <translation>无空余挂载位</translation>
    </message>
</context><context>
    <name>SitingDemand</name>
    <message>
        <location filename="../../plugins/siting/demand.py" line="57" />
        <source>has no field '{field}'</source>
        <translation>没有字段 '{field}'</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/demand.py" line="80" />
        <source>demand weight '{field}' is negative in features {rows}</source>
        <translation>需求权重 '{field}' 在要素 {rows} 中为负</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/demand.py" line="117" />
        <source>polygons sampled every {spacing:.0f} m instead of {asked:g} m to stay under {limit:,} points</source>
        <translation>多边形按 {spacing:.0f} m（而非 {asked:g} m）间距采样，以保持在 {limit:,} 个点以内</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/demand.py" line="133" />
        <source>{count} demand features without geometry left out</source>
        <translation>已剔除 {count} 个没有几何的需求要素</translation>
    </message>
</context><context>
    <name>SitingOutputs</name>
    <message>
        <location filename="../../plugins/siting/outputs.py" line="70" />
        <source>phase {p}</source>
        <translation>第 {p} 期</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/outputs.py" line="74" />
        <source>Selected sites</source>
        <translation>已选站点</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/outputs.py" line="111" />
        <source>no eligible pole in reach</source>
        <translation>范围内没有符合条件的灯杆</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/outputs.py" line="112" />
        <source>partly out of reach, rest not chosen</source>
        <translation>部分超出范围，其余未被选中</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/outputs.py" line="113" />
        <source>reachable, not chosen</source>
        <translation>可覆盖，但未被选中</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="501" />
        <source>{model} {method}, {sites} sites</source>
        <translation>{model} {method}，{sites} 个站点</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="504" />
        <source>Selected sites ({plan})</source>
        <translation>已选站点（{plan}）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="512" />
        <source>Covered demand ({plan})</source>
        <translation>已覆盖需求（{plan}）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="513" />
        <source>Uncovered demand ({plan})</source>
        <translation>未覆盖需求（{plan}）</translation>
    </message>
</context><context>
    <name>SitingSolver</name>
    <message>
        <location filename="../../plugins/siting/solve.py" line="70" />
        <source>lazy greedy (gain per cost, and gain)</source>
        <extracomment>The budgeted greedy's name in a run's provenance (translated where shown).</extracomment>
        <translation>惰性贪心（按单位成本增益及按增益）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/solve.py" line="175" />
        <source>the safety time limit must be 0 (automatic) or positive, got {seconds:g} s</source>
        <translation>安全时间限制必须为 0（自动）或正数，收到 {seconds:g} 秒</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/solve.py" line="235" />
        <source>HiGHS {version} MILP ({columns:,} columns, {rows:,} rows, {nodes:,} nodes)</source>
        <translation>HiGHS {version} MILP（{columns:,} 列，{rows:,} 行，{nodes:,} 个节点）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/solve.py" line="302" />
        <source>lazy greedy</source>
        <translation>惰性贪心</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/solve.py" line="302" />
        <source> + swaps</source>
        <translation> + 交换</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/solve.py" line="340" />
        <source> + Lagrangian heuristic</source>
        <translation> + 拉格朗日启发式</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/solve.py" line="354" />
        <source> + window search</source>
        <translation> + 窗口搜索</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/solve.py" line="367" />
        <source> + block search</source>
        <translation> + 块搜索</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/solve.py" line="552" />
        <location filename="../../plugins/siting/solve.py" line="387" />
        <source>; the plan meets a bound</source>
        <translation>；方案达到上界</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/solve.py" line="503" />
        <source>lazy greedy + swaps + window search (HiGHS {version} on windows around uncovered points)</source>
        <translation>惰性贪心 + 交换 + 窗口搜索（在未覆盖点周围的窗口上用 HiGHS {version} 求解）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/solve.py" line="521" />
        <source>the budget {budget:g} is below the cheapest site ({cheapest:g})</source>
        <translation>预算 {budget:g} 低于最便宜站点的成本（{cheapest:g}）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/solve.py" line="622" />
        <source>no candidate covers any demand: nothing to cover</source>
        <translation>没有候选灯杆能覆盖任何需求：无可覆盖的对象</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/solve.py" line="633" />
        <source>greedy cover (cost per covered demand) + redundancy pruning</source>
        <translation>贪心覆盖（按单位覆盖需求成本）+ 冗余剪除</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/solve.py" line="655" />
        <source>LP-ordered cover + redundancy pruning</source>
        <translation>LP 排序覆盖 + 冗余剪除</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/solve.py" line="699" />
        <location filename="../../plugins/siting/solve.py" line="662" />
        <source> + cover descent</source>
        <translation> + 覆盖下降</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/milp.py" line="98" />
        <source>HiGHS's MILP was not run on {sites:,} open sites: above {limit:,}, no count bounds its root, so only the safety time limit could stop it</source>
        <translation>未对 {sites:,} 个未定站点运行 HiGHS 的 MILP：超过 {limit:,} 个时，其根节点没有可计数的上限，只有安全时间限制能让它停止</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/milp.py" line="277" />
        <source>HiGHS failed on the siting model ({status})</source>
        <translation>HiGHS 求解选址模型失败（{status}）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/exact.py" line="185" />
        <source>HiGHS {version} LP (unfinished)</source>
        <translation>HiGHS {version} LP（未完成）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/exact.py" line="187" />
        <source>HiGHS {version}: LP + {cuts:,} odd-cycle cuts in {rounds} rounds</source>
        <translation>HiGHS {version}：LP + {rounds} 轮共 {cuts:,} 个奇环割</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/exact.py" line="193" />
        <source>; the start plan meets the bound</source>
        <translation>；初始方案已达到界</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/exact.py" line="208" />
        <source>; LP-guided plan</source>
        <translation>；LP 引导方案</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/exact.py" line="228" />
        <source>; reduced-cost fixing leaves no better plan</source>
        <translation>；约简成本固定后已无更优方案</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/exact.py" line="237" />
        <source>; MILP on {sites:,} open sites ({nodes:,} nodes)</source>
        <translation>；对 {sites:,} 个未定站点求解 MILP（{nodes:,} 个节点）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/highs_process.py" line="187" />
        <source>exit code {code}</source>
        <translation>退出码 {code}</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/highs_process.py" line="189" />
        <source>signal {signal}</source>
        <translation>信号 {signal}</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/highs_process.py" line="189" />
        <source>, which usually means the machine ran out of memory</source>
        <translation>，通常表示机器内存不足</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/highs_process.py" line="193" />
        <source>the HiGHS solver process stopped without an answer ({how})</source>
        <translation>HiGHS 求解进程未给出结果便已停止（{how}）</translation>
    </message>
</context><context>
    <name>SitingStatus</name>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="58" />
        <source>optimal</source>
        <extracomment>The statuses a plan can have, marked so the run log can name them in the interface language (the summary keeps the English code).</extracomment>
        <translation>最优</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="58" />
        <source>greedy</source>
        <translation>贪心</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="59" />
        <source>time limit</source>
        <translation>达到时间限制</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="59" />
        <source>work limit</source>
        <translation>达到工作量限制</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="60" />
        <source>infeasible</source>
        <translation>无可行解</translation>
    </message>
</context><context>
    <name>StyleFileButtons</name>
    <message>
        <location filename="../dialogs/style_files.py" line="40" />
        <source>Load QML…</source>
        <translation>加载 QML…</translation>
    </message>
    <message>
        <location filename="../dialogs/style_files.py" line="41" />
        <source>Use a style saved by QGIS (.qml) for this layer</source>
        <translation>为此图层使用 QGIS 保存的样式 (.qml)</translation>
    </message>
    <message>
        <location filename="../dialogs/style_files.py" line="42" />
        <source>Save QML…</source>
        <translation>保存 QML…</translation>
    </message>
    <message>
        <location filename="../dialogs/style_files.py" line="43" />
        <source>Save this style as a QGIS style file (.qml)</source>
        <translation>将此样式保存为 QGIS 样式文件 (.qml)</translation>
    </message>
    <message>
        <location filename="../dialogs/style_files.py" line="95" />
        <location filename="../dialogs/style_files.py" line="67" />
        <source>Load QML Style</source>
        <translation>加载 QML 样式</translation>
    </message>
    <message>
        <location filename="../dialogs/style_files.py" line="77" />
        <location filename="../dialogs/style_files.py" line="68" />
        <source>QGIS style (*.qml)</source>
        <translation>QGIS 样式 (*.qml)</translation>
    </message>
    <message>
        <location filename="../dialogs/style_files.py" line="95" />
        <location filename="../dialogs/style_files.py" line="76" />
        <source>Save QML Style</source>
        <translation>保存 QML 样式</translation>
    </message>
    <message>
        <location filename="../dialogs/style_files.py" line="100" />
        <source>Saved {file}</source>
        <translation>已保存 {file}</translation>
    </message>
    <message>
        <location filename="../dialogs/style_files.py" line="104" />
        <source>Loaded {file}; press OK or Apply to use it</source>
        <translation>已加载 {file}；按“确定”或“应用”使其生效</translation>
    </message>
    <message>
        <location filename="../dialogs/style_files.py" line="106" />
        <source>Ignored: {notes}</source>
        <translation>已忽略：{notes}</translation>
    </message>
</context><context>
    <name>StyleValues</name>
    <message>
        <location filename="../../layers/default_styles.py" line="39" />
        <source>active</source>
        <extracomment>Codes of the municipal kinds shown as category labels: marked so a legend reads them in the interface language (``Categorized.legend``); the style keeps the code.</extracomment>
        <translation>在用</translation>
    </message>
    <message>
        <location filename="../../layers/default_styles.py" line="40" />
        <source>planned</source>
        <translation>规划中</translation>
    </message>
    <message>
        <location filename="../../layers/default_styles.py" line="41" />
        <source>faulty</source>
        <translation>故障</translation>
    </message>
    <message>
        <location filename="../../layers/default_styles.py" line="42" />
        <source>removed</source>
        <translation>已拆除</translation>
    </message>
    <message>
        <location filename="../../layers/default_styles.py" line="44" />
        <source>arterial</source>
        <translation>主干道</translation>
    </message>
    <message>
        <location filename="../../layers/default_styles.py" line="45" />
        <source>secondary</source>
        <translation>次干道</translation>
    </message>
    <message>
        <location filename="../../layers/default_styles.py" line="46" />
        <source>local</source>
        <translation>支路</translation>
    </message>
</context><context>
    <name>Styles</name>
    <message>
        <location filename="../../layers/styles.py" line="50" />
        <source>colour {colour!r} is not #RRGGBB or #RRGGBBAA</source>
        <translation>颜色 {colour!r} 不是 #RRGGBB 或 #RRGGBBAA 格式</translation>
    </message>
    <message>
        <location filename="../../layers/styles.py" line="66" />
        <source>a colour ramp needs at least one stop</source>
        <translation>色带至少需要一个色标</translation>
    </message>
    <message>
        <location filename="../../layers/styles.py" line="79" />
        <source>unknown colour ramp {name!r}; known: {known}</source>
        <translation>未知的色带 {name!r}；已知色带：{known}</translation>
    </message>
    <message>
        <location filename="../../layers/styles.py" line="105" />
        <source>marker {marker!r} is not one of {markers}</source>
        <translation>符号标记 {marker!r} 不是 {markers} 之一</translation>
    </message>
    <message>
        <location filename="../../layers/styles.py" line="108" />
        <source>symbol size and stroke width must not be negative</source>
        <translation>符号大小和描边宽度不得为负</translation>
    </message>
    <message>
        <location filename="../../layers/styles.py" line="215" />
        <source>other</source>
        <translation>其他</translation>
    </message>
    <message>
        <location filename="../../layers/styles.py" line="302" />
        <source>no numeric values to classify</source>
        <translation>没有可分级的数值</translation>
    </message>
    <message>
        <location filename="../../layers/styles.py" line="316" />
        <source>classification method {method!r} is not one of equal, quantile, jenks</source>
        <translation>分级方法 {method!r} 不是 equal、quantile、jenks 之一</translation>
    </message>
    <message>
        <location filename="../../layers/styles.py" line="395" />
        <source>… {count} more classes</source>
        <translation>… 另有 {count} 个分级</translation>
    </message>
    <message>
        <location filename="../../layers/styles.py" line="430" />
        <source>unknown style type {kind!r}; known: {known}</source>
        <translation>未知的样式类型 {kind!r}；已知类型：{known}</translation>
    </message>
</context><context>
    <name>SwipeView</name>
    <message>
        <location filename="../canvas/swipe.py" line="52" />
        <source>Drag to move the divider: {left} on the left, {right} on the right</source>
        <translation>拖动以移动分隔线：左侧为 {left}，右侧为 {right}</translation>
    </message>
    <message>
        <location filename="../canvas/swipe.py" line="53" />
        <source>left</source>
        <translation>左</translation>
    </message>
    <message>
        <location filename="../canvas/swipe.py" line="53" />
        <source>right</source>
        <translation>右</translation>
    </message>
</context><context>
    <name>SymbolEditor</name>
    <message>
        <location filename="../dialogs/style_editor.py" line="116" />
        <location filename="../dialogs/style_editor.py" line="112" />
        <source> pt</source>
        <translation> pt</translation>
    </message>
    <message>
        <location filename="../dialogs/style_editor.py" line="125" />
        <source>Fill</source>
        <translation>填充</translation>
    </message>
    <message>
        <location filename="../dialogs/style_editor.py" line="126" />
        <source>Outline</source>
        <translation>轮廓</translation>
    </message>
    <message>
        <location filename="../dialogs/style_editor.py" line="126" />
        <source>Line colour</source>
        <translation>线条颜色</translation>
    </message>
    <message>
        <location filename="../dialogs/style_editor.py" line="127" />
        <source>Outline width</source>
        <translation>轮廓宽度</translation>
    </message>
    <message>
        <location filename="../dialogs/style_editor.py" line="127" />
        <source>Line width</source>
        <translation>线宽</translation>
    </message>
    <message>
        <location filename="../dialogs/style_editor.py" line="129" />
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../dialogs/style_editor.py" line="129" />
        <source>Marker</source>
        <translation>标记</translation>
    </message>
</context><context>
    <name>Tables</name>
    <message>
        <location filename="../../layers/io/tabular.py" line="207" />
        <source>is gzip-compressed, not a text table: unpack it first</source>
        <translation>是 gzip 压缩文件，不是文本表格：请先解压</translation>
    </message>
    <message>
        <location filename="../../layers/io/tabular.py" line="208" />
        <source>is a zip archive, not a text table (perhaps an Excel workbook: name it .xlsx; or zipped data: open the .zip)</source>
        <translation>是 zip 压缩包，不是文本表格（可能是 Excel 工作簿：请命名为 .xlsx；或压缩的数据：请打开 .zip）</translation>
    </message>
    <message>
        <location filename="../../layers/io/tabular.py" line="210" />
        <source>is a PDF document, not a table</source>
        <translation>是 PDF 文档，不是表格</translation>
    </message>
    <message>
        <location filename="../../layers/io/tabular.py" line="211" />
        <source>is an SQLite database or GeoPackage, not a text table: name it .gpkg</source>
        <translation>是 SQLite 数据库或 GeoPackage，不是文本表格：请命名为 .gpkg</translation>
    </message>
    <message>
        <location filename="../../layers/io/tabular.py" line="223" />
        <source>holds a web page (HTML), not a table: the download probably failed</source>
        <translation>包含网页 (HTML)，不是表格：下载可能失败了</translation>
    </message>
    <message>
        <location filename="../../layers/io/tabular.py" line="225" />
        <source>holds binary data, not a text table (it may be damaged or another format)</source>
        <translation>包含二进制数据，不是文本表格（可能已损坏或为其他格式）</translation>
    </message>
</context><context>
    <name>TabularLoad</name>
    <message>
        <location filename="../../layers/io/tabular.py" line="100" />
        <source>give both coordinate columns (x_field and y_field), not only {given!r}</source>
        <translation>请同时给出两个坐标列（x_field 和 y_field），而不只是 {given!r}</translation>
    </message>
    <message>
        <location filename="../../layers/io/tabular.py" line="105" />
        <source>coordinate column(s) {missing} not found; the columns are: {columns}</source>
        <translation>找不到坐标列 {missing}；现有列：{columns}</translation>
    </message>
    <message>
        <location filename="../../layers/io/tabular.py" line="127" />
        <source>coordinate column '{column}' has {count} values that are not numbers ({shown}) in rows {rows}</source>
        <translation>坐标列 '{column}' 中有 {count} 个值不是数字（{shown}），位于第 {rows} 行</translation>
    </message>
    <message>
        <location filename="../../layers/io/tabular.py" line="140" />
        <source>{prj} beside it is not a readable CRS definition ({problem}); fix or remove it, or give the CRS when opening</source>
        <translation>旁边的 {prj} 不是可读的坐标参考系定义（{problem}）；请修正或删除它，或在打开时指定坐标参考系</translation>
    </message>
    <message>
        <location filename="../../layers/io/tabular.py" line="155" />
        <source>CRS {crs} read from {file}</source>
        <translation>坐标参考系 {crs} 读取自 {file}</translation>
    </message>
    <message>
        <location filename="../../layers/io/tabular.py" line="164" />
        <source>no CRS given; '{x}'/'{y}' read as WGS84 longitude/latitude (EPSG:4326)</source>
        <translation>未指定坐标参考系；'{x}'/'{y}' 按 WGS84 经纬度 (EPSG:4326) 读取</translation>
    </message>
    <message>
        <location filename="../../layers/io/tabular.py" line="173" />
        <source>has no coordinate columns (looked for {pairs} or a WKT column); the columns are: {columns}. Rename the coordinate columns to x/y or lon/lat, or name them when opening (x_field/y_field)</source>
        <translation>没有坐标列（查找了 {pairs} 或 WKT 列）；现有列：{columns}。请将坐标列重命名为 x/y 或 lon/lat，或在打开时指定（x_field/y_field）</translation>
    </message>
    <message>
        <location filename="../../layers/io/tabular.py" line="183" />
        <source>column '{column}' has {count} values that are not WKT geometry in rows {rows}</source>
        <translation>列 '{column}' 中有 {count} 个值不是 WKT 几何，位于第 {rows} 行</translation>
    </message>
    <message>
        <location filename="../../layers/io/tabular.py" line="188" />
        <source>no CRS given; geometries read as WGS84 longitude/latitude (EPSG:4326)</source>
        <translation>未指定坐标参考系；几何按 WGS84 经纬度 (EPSG:4326) 读取</translation>
    </message>
    <message>
        <location filename="../../layers/io/tabular.py" line="251" />
        <source>has no header row and no data</source>
        <translation>没有表头行，也没有数据</translation>
    </message>
    <message>
        <location filename="../../layers/io/tabular.py" line="253" />
        <source>is not a well-formed table: {problem}</source>
        <translation>不是格式正确的表格：{problem}</translation>
    </message>
    <message>
        <location filename="../../layers/io/tabular.py" line="256" />
        <source>text is not UTF-8; read as {encoding}</source>
        <translation>文本不是 UTF-8；已按 {encoding} 读取</translation>
    </message>
    <message>
        <location filename="../../layers/io/tabular.py" line="260" />
        <source>text is in an unknown encoding (not UTF-8, GBK or Latin-1)</source>
        <translation>文本编码未知（不是 UTF-8、GBK 或 Latin-1）</translation>
    </message>
    <message>
        <location filename="../../layers/io/tabular.py" line="278" />
        <source>is not a readable Excel .xlsx workbook (it may be damaged)</source>
        <translation>不是可读的 Excel .xlsx 工作簿（可能已损坏）</translation>
    </message>
    <message>
        <location filename="../../layers/io/tabular.py" line="281" />
        <source>cannot be read as an Excel workbook: {problem}</source>
        <translation>无法作为 Excel 工作簿读取：{problem}</translation>
    </message>
    <message>
        <location filename="../../layers/io/tabular.py" line="301" />
        <source>has no sheets</source>
        <translation>没有工作表</translation>
    </message>
    <message>
        <location filename="../../layers/io/tabular.py" line="303" />
        <source>skipped sheets without coordinate columns: {sheets}</source>
        <translation>已跳过没有坐标列的工作表：{sheets}</translation>
    </message>
</context><context>
    <name>ToolboxDock</name>
    <message>
        <location filename="../processing/toolbox.py" line="30" />
        <source>Plugins that failed to load</source>
        <translation>加载失败的插件</translation>
    </message>
    <message>
        <location filename="../processing/toolbox.py" line="57" />
        <source>Processing Toolbox</source>
        <translation>处理工具箱</translation>
    </message>
    <message>
        <location filename="../processing/toolbox.py" line="62" />
        <source>Search algorithms…</source>
        <translation>搜索算法…</translation>
    </message>
    <message>
        <location filename="../processing/toolbox.py" line="95" />
        <source>{title} ({count})</source>
        <translation>{title}（{count}）</translation>
    </message>
</context><context>
    <name>Tools</name>
    <message>
        <location filename="../../plugins/tools/buffer.py" line="60" />
        <source>{count} feature(s) vanished with a {distance:g} m buffer and were dropped</source>
        <translation>{count} 个要素在 {distance:g} m 缓冲后消失，已丢弃</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/buffer.py" line="70" />
        <source>{layer} buffer {distance:g} m</source>
        <translation>{layer} 缓冲区 {distance:g} m</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/count_points.py" line="60" />
        <source>{count} point(s) have no '{field}' value and add nothing to the sums</source>
        <translation>{count} 个点没有 '{field}' 值，不计入总和</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/count_points.py" line="63" />
        <source>{polygons} with {points} counts</source>
        <translation>{polygons}（含 {points} 计数）</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/filter.py" line="57" />
        <source>{layer} filtered</source>
        <translation>{layer}（筛选）</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/join.py" line="73" />
        <source>{matched} of {total} features have at least one match</source>
        <translation>{total} 个要素中有 {matched} 个至少有一个匹配</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/join.py" line="76" />
        <source>{layer} joined with {join}</source>
        <translation>{layer}（连接 {join}）</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/clip.py" line="60" />
        <source>{inside} of {total} features lie (partly) inside the clip polygons</source>
        <translation>{total} 个要素中有 {inside} 个（部分）位于裁剪多边形内</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/clip.py" line="62" />
        <source>{layer} clipped</source>
        <translation>{layer}（裁剪）</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/nearest.py" line="57" />
        <source>the target layer '{layer}' has no features to measure to</source>
        <translation>目标图层“{layer}”中没有可测量距离的要素</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/nearest.py" line="77" />
        <source>{found} of {total} features have a target within reach</source>
        <translation>{total} 个要素中有 {found} 个在搜索范围内有目标</translation>
    </message>
    <message>
        <location filename="../../plugins/tools/nearest.py" line="82" />
        <source>{layer} nearest {target}</source>
        <translation>{layer} 最近的 {target}</translation>
    </message>
</context><context>
    <name>Units</name>
    <message>
        <location filename="../../layers/default_styles.py" line="98" />
        <source>CNY/m²/month</source>
        <translation>元/m²/月</translation>
    </message>
    <message>
        <location filename="../../layers/default_styles.py" line="127" />
        <source>people</source>
        <translation>人</translation>
    </message>
</context><context>
    <name>VectorStyleEditor</name>
    <message>
        <location filename="../dialogs/style_editor.py" line="184" />
        <location filename="../dialogs/style_editor.py" line="181" />
        <source>Symbol</source>
        <translation>符号</translation>
    </message>
    <message>
        <location filename="../dialogs/style_editor.py" line="185" />
        <source>Symbol (colours come from the classes)</source>
        <translation>符号（颜色取自分类）</translation>
    </message>
    <message>
        <location filename="../dialogs/style_editor.py" line="187" />
        <source>Every feature is drawn with the symbol above.</source>
        <translation>每个要素都用上面的符号绘制。</translation>
    </message>
    <message>
        <location filename="../dialogs/style_editor.py" line="194" />
        <source>Style</source>
        <translation>样式</translation>
    </message>
    <message>
        <location filename="../dialogs/style_editor.py" line="237" />
        <location filename="../dialogs/style_editor.py" line="209" />
        <source>Classify</source>
        <translation>分类</translation>
    </message>
    <message>
        <location filename="../dialogs/style_editor.py" line="211" />
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <location filename="../dialogs/style_editor.py" line="239" />
        <location filename="../dialogs/style_editor.py" line="211" />
        <source>Label</source>
        <translation>标注</translation>
    </message>
    <message>
        <location filename="../dialogs/style_editor.py" line="279" />
        <location filename="../dialogs/style_editor.py" line="250" />
        <location filename="../dialogs/style_editor.py" line="218" />
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <location filename="../dialogs/style_editor.py" line="239" />
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <location filename="../dialogs/style_editor.py" line="239" />
        <source>To</source>
        <translation>到</translation>
    </message>
    <message>
        <location filename="../dialogs/style_editor.py" line="251" />
        <source>Method</source>
        <translation>方法</translation>
    </message>
    <message>
        <location filename="../dialogs/style_editor.py" line="252" />
        <source>Classes</source>
        <translation>类别数</translation>
    </message>
    <message>
        <location filename="../dialogs/style_editor.py" line="253" />
        <source>Colour ramp</source>
        <translation>色带</translation>
    </message>
    <message>
        <location filename="../dialogs/style_editor.py" line="261" />
        <source>Labels</source>
        <translation>标注</translation>
    </message>
    <message>
        <location filename="../dialogs/style_editor.py" line="268" />
        <source> pt</source>
        <translation> pt</translation>
    </message>
    <message>
        <location filename="../dialogs/style_editor.py" line="274" />
        <source>always shown</source>
        <translation>始终显示</translation>
    </message>
    <message>
        <location filename="../dialogs/style_editor.py" line="279" />
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../dialogs/style_editor.py" line="280" />
        <source>Colour</source>
        <translation>颜色</translation>
    </message>
    <message>
        <location filename="../dialogs/style_editor.py" line="281" />
        <source>Hide beyond</source>
        <translation>超出时隐藏</translation>
    </message>
    <message>
        <location filename="../dialogs/style_editor.py" line="287" />
        <source>Labels are hidden when the map scale is smaller than 1:N</source>
        <translation>地图比例尺小于 1:N 时隐藏标注</translation>
    </message>
    <message>
        <location filename="../dialogs/style_editor.py" line="371" />
        <source>Field '{field}' of “{layer}” cannot be classified: {problem}. Choose another field or method.</source>
        <translation>“{layer}”的字段 '{field}' 无法分类：{problem}。请选择其他字段或方法。</translation>
    </message>
    <message>
        <location filename="../dialogs/style_editor.py" line="417" />
        <source>Class colour</source>
        <translation>类别颜色</translation>
    </message>
</context><context>
    <name>Warmup</name>
    <message>
        <location filename="../../lamplight/warmup.py" line="42" />
        <source>no kernel group {unknown}; choose from {groups}</source>
        <translation>没有内核组 {unknown}；可选：{groups}</translation>
    </message>
    <message>
        <location filename="../../lamplight/warmup.py" line="55" />
        <source>  compiled {kernel} ({seconds:.1f} s)</source>
        <translation>  已编译 {kernel}（{seconds:.1f} 秒）</translation>
    </message>
    <message>
        <location filename="../../lamplight/warmup.py" line="60" />
        <source>{group}: already compiled</source>
        <translation>{group}：已编译</translation>
    </message>
    <message>
        <location filename="../../lamplight/warmup.py" line="62" />
        <source>Compiling the {group} kernels (about {seconds} s)…</source>
        <translation>正在编译 {group} 内核（约 {seconds} 秒）…</translation>
    </message>
    <message>
        <location filename="../../lamplight/warmup.py" line="69" />
        <source>compiling the {group} kernels failed ({problem}); the first run will compile them instead</source>
        <translation>编译 {group} 内核失败（{problem}）；将改为在首次运行时编译</translation>
    </message>
    <message>
        <location filename="../../lamplight/warmup.py" line="72" />
        <source>{group}: {count} kernels ready in {seconds:.1f} s</source>
        <translation>{group}：{count} 个内核已就绪，用时 {seconds:.1f} 秒</translation>
    </message>
    <message>
        <location filename="../../lamplight/warmup.py" line="87" />
        <source>render: already compiled ahead of time</source>
        <translation>render：已预先编译</translation>
    </message>
    <message>
        <location filename="../../lamplight/warmup.py" line="89" />
        <source>Compiling the render kernels ahead of time into {folder} (about 15 s)…</source>
        <translation>正在将渲染内核预先编译到 {folder}（约 15 秒）…</translation>
    </message>
    <message>
        <location filename="../../lamplight/warmup.py" line="94" />
        <source>compiling the render kernels ahead of time failed ({problem}); renders will use numba's compiled kernels instead (with a C compiler and Python's headers installed, run `lamplight warmup` again)</source>
        <translation>预先编译渲染内核失败（{problem}）；渲染将改用 numba 编译的内核（安装 C 编译器和 Python 头文件后，请再次运行 `lamplight warmup`）</translation>
    </message>
    <message>
        <location filename="../../lamplight/warmup.py" line="99" />
        <source>render: {count} functions compiled ahead of time into {path} in {seconds:.1f} s</source>
        <translation>render：已在 {seconds:.1f} 秒内将 {count} 个函数预先编译到 {path}</translation>
    </message>
    <message>
        <source>error: no kernel group {unknown}; choose from {groups}</source>
        <translation type="vanished">错误：没有内核组 {unknown}；请从 {groups} 中选择</translation>
    </message>
    <message>
        <source>error: compiling the {group} kernels failed ({problem}); the first run will compile them instead</source>
        <translation type="vanished">错误：编译 {group} 内核失败（{problem}）；将改为在首次运行时编译</translation>
    </message>
</context><context>
    <name>WebMap</name>
    <message>
        <location filename="../export/webmap.py" line="247" />
        <source>No basemap (plain background)</source>
        <translation>无底图（纯色背景）</translation>
    </message>
    <message>
        <location filename="../export/webmap.py" line="293" />
        <source>Data: {sources}</source>
        <translation>数据：{sources}</translation>
    </message>
    <message>
        <location filename="../export/webmap.py" line="297" />
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <location filename="../export/webmap.py" line="297" />
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <location filename="../export/web_basemaps.py" line="41" />
        <source>Basemap '{name}' is left out of the web map: it needs your access key, and the page would hand the key to everyone who receives the file.</source>
        <translation>底图“{name}”未放入网页地图：它需要您的访问密钥，而网页会把密钥交给每一个收到此文件的人。</translation>
    </message>
    <message>
        <location filename="../export/web_basemaps.py" line="44" />
        <source>Basemap '{name}' is left out of the web map: its tiles are in GCJ-02, which the page cannot shift onto WGS84 as the canvas does (they would lie several hundred metres off the survey data).</source>
        <translation>底图“{name}”未放入网页地图：其瓦片为 GCJ-02 坐标，网页无法像地图画布那样将其纠偏到 WGS84（会与测绘数据相差数百米）。</translation>
    </message>
    <message>
        <location filename="../export/web_basemaps.py" line="48" />
        <source>Basemap '{name}' is left out of the web map: the page offers XYZ tile services only, and this one is a WMS or WMTS service.</source>
        <translation>底图“{name}”未放入网页地图：网页只支持 XYZ 瓦片服务，而此底图是 WMS 或 WMTS 服务。</translation>
    </message>
    <message>
        <source>Online basemap (OpenStreetMap)</source>
        <translation type="vanished">在线底图 (OpenStreetMap)</translation>
    </message>
</context><context>
    <name>WebMapDialog</name>
    <message>
        <location filename="../export/dialogs.py" line="213" />
        <source>Export web map</source>
        <translation>导出网页地图</translation>
    </message>
    <message>
        <location filename="../export/dialogs.py" line="214" />
        <source>One self-contained file that works offline</source>
        <translation>一个可离线使用的独立文件</translation>
    </message>
    <message>
        <location filename="../export/dialogs.py" line="216" />
        <source>Offer an online basemap layer (when the reader is online)</source>
        <translation>提供在线底图图层（读者联网时）</translation>
    </message>
    <message>
        <location filename="../export/dialogs.py" line="218" />
        <source>Open in the browser when done</source>
        <translation>完成后在浏览器中打开</translation>
    </message>
    <message>
        <location filename="../export/dialogs.py" line="222" />
        <source>Layer</source>
        <translation>图层</translation>
    </message>
    <message>
        <location filename="../export/dialogs.py" line="222" />
        <source>Popup fields (comma separated)</source>
        <translation>弹出框字段（逗号分隔）</translation>
    </message>
    <message>
        <location filename="../export/dialogs.py" line="257" />
        <source>Exporting {name}…</source>
        <translation>正在导出 {name}…</translation>
    </message>
</context><context>
    <name>WindowSearch</name>
    <message>
        <location filename="../../plugins/siting/window_search.py" line="58" />
        <source>window search</source>
        <extracomment>The phase's name where the safety time limit stops it (the plan's notes).</extracomment>
        <translation>窗口搜索</translation>
    </message>
    <message>
        <source>window search</source>
        <translation type="vanished">窗口搜索</translation>
    </message>
</context><context>
    <name>argparse</name>
    <message>
        <location filename="../../lamplight/argparse_words.py" line="17" />
        <source>usage: </source>
        <translation>用法：</translation>
    </message>
    <message>
        <location filename="../../lamplight/argparse_words.py" line="18" />
        <source>positional arguments</source>
        <translation>位置参数</translation>
    </message>
    <message>
        <location filename="../../lamplight/argparse_words.py" line="19" />
        <source>options</source>
        <translation>选项</translation>
    </message>
    <message>
        <location filename="../../lamplight/argparse_words.py" line="20" />
        <source>show this help message and exit</source>
        <translation>显示此帮助信息并退出</translation>
    </message>
    <message>
        <location filename="../../lamplight/argparse_words.py" line="21" />
        <source>%(prog)s: error: %(message)s
</source>
        <translation>%(prog)s：错误：%(message)s
</translation>
    </message>
    <message>
        <location filename="../../lamplight/argparse_words.py" line="22" />
        <source>the following arguments are required: %s</source>
        <translation>缺少以下必需参数：%s</translation>
    </message>
    <message>
        <location filename="../../lamplight/argparse_words.py" line="23" />
        <source>unrecognized arguments: %s</source>
        <translation>无法识别的参数：%s</translation>
    </message>
    <message>
        <location filename="../../lamplight/argparse_words.py" line="24" />
        <source>invalid choice: %(value)r (choose from %(choices)s)</source>
        <translation>无效的选项：%(value)r（可选：%(choices)s）</translation>
    </message>
    <message>
        <location filename="../../lamplight/argparse_words.py" line="25" />
        <source>argument %(argument_name)s: %(message)s</source>
        <translation>参数 %(argument_name)s：%(message)s</translation>
    </message>
    <message>
        <location filename="../../lamplight/argparse_words.py" line="26" />
        <source>invalid %(type)s value: %(value)r</source>
        <translation>无效的 %(type)s 值：%(value)r</translation>
    </message>
    <message>
        <location filename="../../lamplight/argparse_words.py" line="27" />
        <source>ambiguous option: %(option)s could match %(matches)s</source>
        <translation>有歧义的选项：%(option)s 可匹配 %(matches)s</translation>
    </message>
    <message>
        <location filename="../../lamplight/argparse_words.py" line="28" />
        <source>expected one argument</source>
        <translation>需要一个值</translation>
    </message>
    <message>
        <location filename="../../lamplight/argparse_words.py" line="29" />
        <source>expected at least one argument</source>
        <translation>至少需要一个值</translation>
    </message>
    <message>
        <location filename="../../lamplight/argparse_words.py" line="30" />
        <source>expected at most one argument</source>
        <translation>最多只能有一个值</translation>
    </message>
    <message>
        <location filename="../../lamplight/argparse_words.py" line="31" />
        <source>expected %s argument</source>
        <translation>需要 %s 个值</translation>
    </message>
    <message>
        <location filename="../../lamplight/argparse_words.py" line="32" />
        <source>expected %s arguments</source>
        <translation>需要 %s 个值</translation>
    </message>
    <message>
        <location filename="../../lamplight/argparse_words.py" line="33" />
        <source>not allowed with argument %s</source>
        <translation>不能与参数 %s 同时使用</translation>
    </message>
    <message>
        <location filename="../../lamplight/argparse_words.py" line="34" />
        <source>one of the arguments %s is required</source>
        <translation>必须给出参数 %s 之一</translation>
    </message>
    <message>
        <location filename="../../lamplight/argparse_words.py" line="35" />
        <source>ignored explicit argument %r</source>
        <translation>已忽略显式参数 %r</translation>
    </message>
</context><context>
    <name>autosave_recovery</name>
    <message>
        <location filename="../dialogs/autosave_recovery.py" line="17" />
        <source>Restore autosave</source>
        <translation>恢复自动保存的副本</translation>
    </message>
    <message>
        <location filename="../dialogs/autosave_recovery.py" line="18" />
        <source>Open the saved project</source>
        <translation>打开已保存的项目</translation>
    </message>
    <message>
        <location filename="../dialogs/autosave_recovery.py" line="31" />
        <source>unknown time</source>
        <translation>时间未知</translation>
    </message>
    <message>
        <location filename="../dialogs/autosave_recovery.py" line="37" />
        <source>Recover unsaved changes?</source>
        <translation>恢复未保存的更改吗？</translation>
    </message>
    <message>
        <location filename="../dialogs/autosave_recovery.py" line="38" />
        <source>“{name}” has an autosaved copy newer than the saved project: the last session may have ended before its changes were saved.</source>
        <translation>“{name}”有一个比已保存项目更新的自动保存副本：上次会话可能在保存更改前就已结束。</translation>
    </message>
    <message>
        <location filename="../dialogs/autosave_recovery.py" line="44" />
        <source>Saved project: {project} ({project_time})
Autosaved copy: {copy} ({copy_time})

Restoring opens the copy as unsaved changes; the project file is only replaced when you save.</source>
        <translation>已保存的项目：{project}（{project_time}）
自动保存的副本：{copy}（{copy_time}）

恢复会以未保存更改的形式打开该副本；只有在您保存时才会替换项目文件。</translation>
    </message>
</context><context>
    <name>decisions</name>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="68" />
        <source> and {n} more</source>
        <translation> 及另外 {n} 个</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="86" />
        <source>layer '{layer}' has no pole with id {ids}</source>
        <translation>图层“{layer}”中没有编号为 {ids} 的灯杆</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="88" />
        <source>{n} listed by id</source>
        <translation>按编号列出 {n} 个</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="103" />
        <source>layer '{layer}' has no field '{field}' (fields: {fields})</source>
        <translation>图层“{layer}”没有字段 '{field}'（字段：{fields}）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="111" />
        <source>no pole of '{layer}' has {field} = {values} (values found: {found})</source>
        <translation>“{layer}”中没有 {field} = {values} 的灯杆（现有值：{found}）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="114" />
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="115" />
        <source>{n} with {field} = {values}</source>
        <translation>{n} 个满足 {field} = {values}</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="136" />
        <source>layer '{layer}' has no phase field '{field}': give the selected sites of an earlier run</source>
        <translation>图层“{layer}”没有分期字段 '{field}'：请提供前一次运行的所选站点</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="147" />
        <source>layer '{layer}' has no field 'pole_id' to match poles by id; match by location instead</source>
        <translation>图层“{layer}”没有用于按编号匹配灯杆的字段 'pole_id'；请改为按位置匹配</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="157" />
        <source>by id</source>
        <translation>按编号</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="157" />
        <source>by location</source>
        <translation>按位置</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="158" />
        <source>{n} from layer '{layer}' ({how})</source>
        <translation>{n} 个来自图层“{layer}”（{how}）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="161" />
        <source>{n} of phases 1-{phases} of '{layer}' ({how})</source>
        <translation>“{layer}”第 1-{phases} 期中的 {n} 个（{how}）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="176" />
        <source>{n} features of '{layer}' have no pole of '{poles}' within {d:g} m (features {rows})</source>
        <translation>“{layer}”中有 {n} 个要素在 {d:g} m 内没有“{poles}”的灯杆（要素 {rows}）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="210" />
        <source>the list of pole ids is empty</source>
        <translation>灯杆编号列表为空</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="217" />
        <source>write FIELD=VALUE (e.g. decision=approved), got '{text}'</source>
        <translation>请写成 字段=值（例如 decision=approved），实际为“{text}”</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="223" />
        <source>no pole id in '{text}'</source>
        <translation>“{text}”中没有灯杆编号</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="232" />
        <source>pole ids (P1, P2) or FIELD=VALUE</source>
        <translation>灯杆编号（P1, P2）或 字段=值</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="260" />
        <source>{n} poles locked ({sources}): built in every plan, counted in k and the budget</source>
        <translation>锁定 {n} 根灯杆（{sources}）：每个方案都建设，计入 k 和预算</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="264" />
        <source>{n} poles excluded ({sources})</source>
        <translation>排除 {n} 根灯杆（{sources}）</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="267" />
        <source>; {n} more were not eligible anyway</source>
        <translation>；另有 {n} 根本来就不符合条件</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="302" />
        <source>poles both locked and excluded: {ids}; decide one way</source>
        <translation>同时被锁定和排除的灯杆：{ids}；请只选其一</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="309" />
        <source>{n} locked poles are not eligible: {poles}; unlock them or relax the rules</source>
        <translation>{n} 根锁定的灯杆不符合条件：{poles}；请解除锁定或放宽规则</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="329" />
        <source>the locked poles leave nothing to choose: the plan is the locked poles</source>
        <translation>锁定的灯杆之外已无可选：方案即为锁定的灯杆</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="333" />
        <source>locked poles only</source>
        <translation>仅锁定的灯杆</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="382" />
        <source>{n} poles are locked but only {k} sites are asked for; raise the number of sites or unlock poles</source>
        <translation>锁定了 {n} 根灯杆，但只要求 {k} 个站点；请增加站点数或解除锁定</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="394" />
        <source>the {n} locked poles cost {cost:g}, over the budget of {budget:g}; raise the budget or unlock poles</source>
        <translation>{n} 根锁定灯杆的成本为 {cost:g}，超出预算 {budget:g}；请提高预算或解除锁定</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="423" />
        <source>no pole left after the exclusions covers any demand</source>
        <translation>排除之后剩余的灯杆都不能覆盖任何需求</translation>
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="433" />
        <source>{out} of {total} demand is out of reach of every pole that is not excluded and is not counted in the target</source>
        <translation>{total} 的需求中有 {out} 不在任何未被排除灯杆的覆盖范围内，不计入目标</translation>
    </message>
</context><context>
    <name>expressions</name>
    <message>
        <location filename="../../layers/expressions/functions.py" line="46" />
        <source>{name}() needs numbers, got {kind}</source>
        <translation>{name}() 需要数字，实际为 {kind}</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/functions.py" line="53" />
        <source>{name}() needs a whole number from {low} to {high} here, got {value}</source>
        <translation>{name}() 在此需要 {low} 到 {high} 之间的整数，实际为 {value}</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/functions.py" line="144" />
        <source>{name}() cannot read {value!r} as {what}</source>
        <translation>{name}() 无法将 {value!r} 读作{what}</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/functions.py" line="163" />
        <source>a whole number</source>
        <translation>整数</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/functions.py" line="169" />
        <source>a number</source>
        <translation>数字</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/evaluator.py" line="77" />
        <source>computed</source>
        <translation>计算值</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/evaluator.py" line="79" />
        <source>true/false field '{name}'</source>
        <translation>真/假字段“{name}”</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/evaluator.py" line="81" />
        <source>numeric field '{name}'</source>
        <translation>数值字段“{name}”</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/evaluator.py" line="82" />
        <source>text field '{name}'</source>
        <translation>文本字段“{name}”</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/evaluator.py" line="88" />
        <source>'{segment}' would make text of up to {characters:,} characters per value; at most {limit:,} are allowed</source>
        <translation>'{segment}' 会使每个值产生最多 {characters:,} 个字符的文本；最多允许 {limit:,} 个</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/evaluator.py" line="95" />
        <source>'{segment}' would make {rows:,} rows x {characters:,} characters = {size:,} MB of text; at most {limit:,} MB are allowed</source>
        <translation>'{segment}' 会产生 {rows:,} 行 x {characters:,} 个字符 = {size:,} MB 的文本；最多允许 {limit:,} MB</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/evaluator.py" line="102" />
        <source>would make {size:,} MB of text in all; at most {limit:,} MB are allowed</source>
        <translation>总共会产生 {size:,} MB 的文本；最多允许 {limit:,} MB</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/evaluator.py" line="111" />
        <source>{variable} needs a layer with geometry</source>
        <translation>{variable} 需要带几何的图层</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/evaluator.py" line="122" />
        <source>'{segment}' is not true/false; compare it with something</source>
        <translation>'{segment}' 不是真/假值；请将其与某个值比较</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/evaluator.py" line="132" />
        <source>the layer has several fields named '{name}'</source>
        <translation>图层中有多个名为“{name}”的字段</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="351" />
        <location filename="../../layers/expressions/parser.py" line="345" />
        <location filename="../../layers/expressions/evaluator.py" line="147" />
        <source>a list of values is only allowed after 'in'</source>
        <translation>值列表只允许出现在 'in' 之后</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/evaluator.py" line="192" />
        <source>'{op}' needs numbers, not text, in '{segment}'</source>
        <translation>'{op}' 需要数字而不是文本，位于 '{segment}'</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/evaluator.py" line="238" />
        <source>'{segment}' cannot be computed ({reason})</source>
        <translation>无法计算 '{segment}'（{reason}）</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/evaluator.py" line="241" />
        <source> and </source>
        <translation> 和 </translation>
    </message>
    <message>
        <location filename="../../layers/expressions/evaluator.py" line="242" />
        <source>cannot combine {kinds} in '{segment}' ({reason})</source>
        <translation>无法在 '{segment}' 中组合 {kinds}（{reason}）</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/lexer.py" line="40" />
        <source>is {length:,} characters long; at most {limit:,} are allowed</source>
        <translation>长 {length:,} 个字符；最多允许 {limit:,} 个</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/lexer.py" line="55" />
        <source>nests brackets more than {limit} deep</source>
        <translation>括号嵌套超过 {limit} 层</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="164" />
        <location filename="../../layers/expressions/lexer.py" line="60" />
        <source>unexpected {token!r}</source>
        <translation>意外的 {token!r}</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/lexer.py" line="67" />
        <source>the bracket {bracket!r} is not closed</source>
        <translation>括号 {bracket!r} 未闭合</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/lexer.py" line="81" />
        <source>the field name in backticks is not closed</source>
        <translation>反引号中的字段名未闭合</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/lexer.py" line="84" />
        <source>empty field name ``</source>
        <translation>空字段名 ``</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/lexer.py" line="89" />
        <source>unexpected '$'</source>
        <translation>意外的 '$'</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/lexer.py" line="100" />
        <source>unexpected {char!r}</source>
        <translation>意外的 {char!r}</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/lexer.py" line="123" />
        <source>the text starting with {quote} is not closed</source>
        <translation>以 {quote} 开头的文本未闭合</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/__init__.py" line="83" />
        <source>an expression must be text</source>
        <translation>表达式必须是文本</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/__init__.py" line="94" />
        <source>is too large or too deeply nested to compute here</source>
        <translation>过大或嵌套过深，无法在此计算</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/__init__.py" line="97" />
        <source>cannot be computed: {reason}</source>
        <translation>无法计算：{reason}</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/__init__.py" line="111" />
        <source>gives the value {value!r}, not true/false; add a comparison</source>
        <translation>结果为 {value!r}，不是真/假值；请添加比较</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/__init__.py" line="117" />
        <source>gives numbers or text, not true/false; add a comparison such as '&gt; 0'</source>
        <translation>结果为数字或文本，不是真/假值；请添加比较，例如 '&gt; 0'</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/__init__.py" line="141" />
        <source>unknown kind of column {kind!r}; one of integer, real, text, boolean</source>
        <translation>未知的列类型 {kind!r}；应为 integer、real、text、boolean 之一</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/__init__.py" line="148" />
        <source>gives {value!r} (row {row}), not a whole number; use round() or to_int()</source>
        <translation>结果为 {value!r}（第 {row} 行），不是整数；请使用 round() 或 to_int()</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="31" />
        <source>comprehensions are not allowed</source>
        <translation>不允许使用推导式</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="32" />
        <source>lambdas are not allowed</source>
        <translation>不允许使用 lambda</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="33" />
        <source>'if ... else' is not allowed; use if(condition, value, otherwise)</source>
        <translation>不允许使用 'if ... else'；请使用 if(条件, 值, 否则值)</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="34" />
        <source>'else' is not allowed</source>
        <translation>不允许使用 'else'</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="35" />
        <source>imports are not allowed</source>
        <translation>不允许使用 import</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="149" />
        <source>has more than {limit:,} parts</source>
        <translation>超过 {limit:,} 个部分</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="200" />
        <location filename="../../layers/expressions/parser.py" line="153" />
        <source>nests operations more than {limit} deep</source>
        <translation>运算嵌套超过 {limit} 层</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="160" />
        <source>it ends too early</source>
        <translation>表达式提前结束</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="174" />
        <source>the expression is empty</source>
        <translation>表达式为空</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="187" />
        <source>methods are not allowed: {segment!r}; use a function such as upper(field)</source>
        <translation>不允许调用方法：{segment!r}；请使用函数，如 upper(field)</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="189" />
        <source>attribute lookups are not allowed: {segment!r}</source>
        <translation>不允许访问属性：{segment!r}</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="193" />
        <source>subscripts are not allowed: {segment!r}</source>
        <translation>不允许使用下标：{segment!r}</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="195" />
        <source>only the listed functions can be called: {segment!r}</source>
        <translation>只能调用列出的函数：{segment!r}</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="262" />
        <source>'is' is only allowed as 'is None' / 'IS NULL' or 'is not None' / 'IS NOT NULL'</source>
        <translation>'is' 只能以 'is None' / 'IS NULL' 或 'is not None' / 'IS NOT NULL' 形式使用</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="273" />
        <source>'{op}' needs a list of values such as ["a", "b"] or ('a', 'b'), got {segment!r}</source>
        <translation>'{op}' 需要值列表，如 ["a", "b"] 或 ('a', 'b')，实际为 {segment!r}</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="283" />
        <source>lists may hold only literal values, not {segment!r}</source>
        <translation>列表只能包含字面值，不能包含 {segment!r}</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="330" />
        <source>unknown variable {name!r}; known: {known}</source>
        <translation>未知变量 {name!r}；已知变量：{known}</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="361" />
        <source>unknown field "{name}"; did you mean "{field}"? (write text in single quotes: '{name}')</source>
        <translation>未知字段 "{name}"；您是否指 "{field}"？（文本请用单引号：'{name}'）</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="372" />
        <source>{token!r} is not a number</source>
        <translation>{token!r} 不是数字</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="383" />
        <source>; did you mean '{name}'?</source>
        <translation>；您是否指 '{name}'？</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="384" />
        <source> (fields: {fields})</source>
        <translation>（字段：{fields}）</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="385" />
        <source>unknown field '{name}'</source>
        <translation>未知字段 '{name}'</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="392" />
        <source>function calls are not allowed: {name!r} (only {known} can be called)</source>
        <translation>不允许调用函数：{name!r}（只能调用 {known}）</translation>
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="406" />
        <source>{name}() takes {expected} values, got {count}</source>
        <translation>{name}() 需要 {expected} 个值，实际为 {count} 个</translation>
    </message>
</context><context>
    <name>gdal_open</name>
    <message>
        <location filename="../../layers/io/geojson_crs.py" line="26" />
        <source>(a crs member too long or malformed to check)</source>
        <translation>（crs 成员过长或格式错误，无法检查）</translation>
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="80" />
        <source>is not a GeoPackage</source>
        <translation>不是 GeoPackage</translation>
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="81" />
        <source>it is not an SQLite database; the file may be damaged</source>
        <translation>不是 SQLite 数据库；文件可能已损坏</translation>
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="82" />
        <source>is not a readable shapefile</source>
        <translation>不是可读的 shapefile</translation>
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="83" />
        <source>it does not start like a shapefile; the file may be damaged</source>
        <translation>开头不像 shapefile；文件可能已损坏</translation>
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="84" />
        <source>is not a readable GeoJSON file</source>
        <translation>不是可读的 GeoJSON 文件</translation>
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="85" />
        <source>it does not start like JSON; the file may be damaged</source>
        <translation>开头不像 JSON；文件可能已损坏</translation>
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="86" />
        <source>is not a readable raster file</source>
        <translation>不是可读的栅格文件</translation>
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="87" />
        <source>it does not start like a TIFF image; the file may be damaged</source>
        <translation>开头不像 TIFF 图像；文件可能已损坏</translation>
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="96" />
        <source>it holds a GDAL virtual dataset (VRT), which makes GDAL read the other files or web addresses it names</source>
        <translation>包含 GDAL 虚拟数据集 (VRT)，会使 GDAL 读取其中指定的其他文件或网址</translation>
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="99" />
        <source>it holds a GDAL streamed algorithm (.gdalg.json), which makes GDAL run commands on other files</source>
        <translation>包含 GDAL 流式算法 (.gdalg.json)，会使 GDAL 对其他文件执行命令</translation>
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="102" />
        <source>it holds TopoJSON; convert it to GeoJSON first</source>
        <translation>包含 TopoJSON；请先转换为 GeoJSON</translation>
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="104" />
        <source>it holds Esri JSON (ArcGIS); convert it to GeoJSON first</source>
        <translation>包含 Esri JSON (ArcGIS)；请先转换为 GeoJSON</translation>
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="105" />
        <source>it holds XML or HTML</source>
        <translation>包含 XML 或 HTML</translation>
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="106" />
        <source>it holds JSON</source>
        <translation>包含 JSON</translation>
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="107" />
        <source>it holds a JSON array</source>
        <translation>包含 JSON 数组</translation>
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="108" />
        <source>it holds an SQLite database</source>
        <translation>包含 SQLite 数据库</translation>
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="109" />
        <source>it holds a TIFF image</source>
        <translation>包含 TIFF 图像</translation>
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="110" />
        <source>it holds a shapefile</source>
        <translation>包含 shapefile</translation>
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="111" />
        <source>it holds a zip archive</source>
        <translation>包含 zip 压缩包</translation>
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="135" />
        <source>{refusal}: it is empty</source>
        <translation>{refusal}：文件为空</translation>
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="137" />
        <source>{refusal} ({unknown})</source>
        <translation>{refusal}（{unknown}）</translation>
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="140" />
        <source>{refusal}: its name says {name} but {content}; Lamplight opens a file only as the format its name says</source>
        <translation>{refusal}：其名称表明为 {name}，但{content}；Lamplight 只按文件名所示的格式打开文件</translation>
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="153" />
        <source>is not a file on this computer; Lamplight reads only local files</source>
        <translation>不是本机上的文件；Lamplight 只读取本地文件</translation>
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="158" />
        <source>the file does not exist</source>
        <translation>文件不存在</translation>
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="160" />
        <source>cannot be read ({error})</source>
        <translation>无法读取（{error}）</translation>
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="163" />
        <source>is not a regular file (a folder, device or pipe)</source>
        <translation>不是普通文件（文件夹、设备或管道）</translation>
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="185" />
        <source>its CRS is given as a link ({link}), which GDAL would fetch from the network or another file; Lamplight does not follow links in data files: give the CRS by name (e.g. EPSG:4326) or remove the crs member</source>
        <translation>其坐标参考系以链接形式给出（{link}），GDAL 会从网络或其他文件获取；Lamplight 不跟随数据文件中的链接：请按名称给出坐标参考系（如 EPSG:4326）或删除 crs 成员</translation>
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="208" />
        <source>its first bytes are not those of a TIFF image</source>
        <translation>其开头字节不是 TIFF 图像的字节</translation>
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="209" />
        <source>its side file {side} is not what GDAL writes there: {content}; remove it or replace it</source>
        <translation>其附属文件 {side} 不是 GDAL 在此写入的内容：{content}；请删除或替换它</translation>
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="218" />
        <source>holds a file with an unsafe name ({member}); a zipped layer must be a plain file inside the archive</source>
        <translation>包含名称不安全的文件（{member}）；压缩的图层必须是压缩包内的普通文件</translation>
    </message>
</context><context>
    <name>install</name>
    <message>
        <source>&amp;Export</source>
        <translation type="vanished">导出(&amp;E)</translation>
    </message>
</context><context>
    <name>kinds</name>
    <message>
        <location filename="../../layers/kinds.py" line="92" />
        <source>Smart lamp poles</source>
        <translation>智慧灯杆</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="101" />
        <source>comma-separated equipment already on the pole</source>
        <translation>灯杆上已有的设备，以逗号分隔</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="103" />
        <source>maximum number of attachments</source>
        <translation>最多可挂载的设备数</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="109" />
        <source>5G sites</source>
        <translation>5G基站</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="118" />
        <source>sector azimuths, "" = omni</source>
        <translation>扇区方位角，"" = 全向</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="125" />
        <source>Schools</source>
        <translation>学校</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="135" />
        <source>Office space listings</source>
        <translation>写字楼租赁信息</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="148" />
        <source>Buildings</source>
        <translation>建筑物</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="151" />
        <source>estimated on import where missing: see layers.building_heights and height_source</source>
        <translation>缺失时在导入时估算：参见 layers.building_heights 和 height_source</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="153" />
        <source>storeys; height_m = levels × {storey:g} m where it has no height</source>
        <translation>层数；无高度时 height_m = levels × {storey:g} m</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="158" />
        <source>Roads</source>
        <translation>道路</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="167" />
        <source>Demand</source>
        <translation>需求</translation>
    </message>
    <message>
        <location filename="../../layers/kinds.py" line="238" />
        <source>terrain '{name}': values down to {low} m: check nodata (ground below sea level is possible, an undeclared no-data value is likelier)</source>
        <translation>地形“{name}”：数值低至 {low} m：请检查无数据值（地面低于海平面是可能的，但更可能是未声明的无数据值）</translation>
    </message>
</context><context>
    <name>layer_styles</name>
    <message>
        <location filename="../../layers/io/layer_styles.py" line="57" />
        <source>its QGIS style table could not be written: {problem}</source>
        <translation>无法写入其 QGIS 样式表：{problem}</translation>
    </message>
    <message>
        <location filename="../../layers/io/layer_styles.py" line="160" />
        <source>its QGIS style {file} was not applied: {problem}</source>
        <translation>未应用其 QGIS 样式 {file}：{problem}</translation>
    </message>
    <message>
        <location filename="../../layers/io/layer_styles.py" line="164" />
        <source>QGIS style {file}: {note}</source>
        <translation>QGIS 样式 {file}：{note}</translation>
    </message>
    <message>
        <location filename="../../layers/io/layer_styles.py" line="192" />
        <source>its QGIS style was not applied: {problem}</source>
        <translation>未应用其 QGIS 样式：{problem}</translation>
    </message>
    <message>
        <location filename="../../layers/io/layer_styles.py" line="198" />
        <source>QGIS style: {note}</source>
        <translation>QGIS 样式：{note}</translation>
    </message>
</context><context>
    <name>layers.crs</name>
    <message>
        <location filename="../../layers/crs.py" line="50" />
        <source>({lon}, {lat}) is not a longitude/latitude</source>
        <translation>({lon}, {lat}) 不是经纬度</translation>
    </message>
    <message>
        <location filename="../../layers/crs.py" line="118" />
        <source>no CRS is set</source>
        <translation>未设置坐标参考系</translation>
    </message>
    <message>
        <location filename="../../layers/crs.py" line="120" />
        <source>{crs} is geographic: its units are degrees, not metres</source>
        <translation>{crs} 是地理坐标系：单位是度，不是米</translation>
    </message>
    <message>
        <location filename="../../layers/crs.py" line="124" />
        <source>{crs} counts in {unit}, not metres</source>
        <translation>{crs} 以 {unit} 为单位，不是米</translation>
    </message>
    <message>
        <location filename="../../layers/crs.py" line="129" />
        <source>{crs} is a Mercator projection: distances in it are off by {error:.1f} % here</source>
        <translation>{crs} 是墨卡托投影：在此处距离误差达 {error:.1f} %</translation>
    </message>
    <message>
        <location filename="../../layers/crs.py" line="132" />
        <source>{crs} distorts distances by up to {error:.2f} % here (more than {limit:g} %)</source>
        <translation>{crs} 在此处的距离变形最大达 {error:.2f} %（超过 {limit:g} %）</translation>
    </message>
</context><context>
    <name>layers.io</name>
    <message>
        <location filename="../../layers/io/__init__.py" line="132" />
        <source>the field mapping {name} is for kind '{mapped}', not '{kind}'</source>
        <translation>字段映射 {name} 适用于图层类型“{mapped}”，不是“{kind}”</translation>
    </message>
    <message>
        <location filename="../../layers/io/__init__.py" line="137" />
        <source>a field mapping applies to vector layers; '{layer}' is a raster</source>
        <translation>字段映射适用于矢量图层；“{layer}”是栅格</translation>
    </message>
</context><context>
    <name>layers.io.coordinates</name>
    <message>
        <location filename="../../layers/io/coordinates.py" line="104" />
        <source> and {count} more</source>
        <translation> 等另外 {count} 个</translation>
    </message>
    <message>
        <location filename="../../layers/io/coordinates.py" line="114" />
        <source>columns '{x}' and '{y}' look swapped (values in '{y}' exceed 90°, so they cannot be latitudes)</source>
        <translation>列 '{x}' 和 '{y}' 似乎互换了（'{y}' 中的值超过 90°，不可能是纬度）</translation>
    </message>
    <message>
        <location filename="../../layers/io/coordinates.py" line="117" />
        <source>longitude and latitude look swapped (y reaches {y}, which cannot be a latitude, and every x fits as one)</source>
        <translation>经度和纬度似乎互换了（y 达到 {y}，不可能是纬度，而所有 x 都可以是纬度）</translation>
    </message>
    <message>
        <location filename="../../layers/io/coordinates.py" line="146" />
        <source> in '{x}'/'{y}'</source>
        <translation>（'{x}'/'{y}' 列）</translation>
    </message>
    <message>
        <location filename="../../layers/io/coordinates.py" line="148" />
        <source>no CRS was given, so WGS84 longitude/latitude was assumed</source>
        <translation>未指定坐标参考系，因此按 WGS84 经纬度处理</translation>
    </message>
    <message>
        <location filename="../../layers/io/coordinates.py" line="150" />
        <source>the layer declares {crs}, which counts in degrees</source>
        <translation>图层声明的坐标参考系为 {crs}，以度为单位</translation>
    </message>
    <message>
        <location filename="../../layers/io/coordinates.py" line="152" />
        <source>coordinates{where} reach {largest} (x {x0} to {x1}, y {y0} to {y1}), which is not a longitude/latitude; {how}.</source>
        <translation>坐标{where}达到 {largest}（x 从 {x0} 到 {x1}，y 从 {y0} 到 {y1}），不是经纬度；{how}。</translation>
    </message>
    <message>
        <location filename="../../layers/io/coordinates.py" line="160" />
        <source>{out} of {usable} features are out of range ({features})</source>
        <translation>{usable} 个要素中有 {out} 个超出范围（{features}）</translation>
    </message>
    <message>
        <location filename="../../layers/io/coordinates.py" line="164" />
        <source> and would fit with x and y exchanged while the others fit as they are: the coordinate order is mixed between features; fix those features in the source</source>
        <translation>，它们交换 x 和 y 后即可落在范围内，而其他要素保持原样即可：各要素的坐标顺序不一致；请在源数据中修正这些要素</translation>
    </message>
    <message>
        <location filename="../../layers/io/coordinates.py" line="168" />
        <source>: fix those features in the source, or give the layer's real CRS</source>
        <translation>：请在源数据中修正这些要素，或给出图层真实的坐标参考系</translation>
    </message>
    <message>
        <location filename="../../layers/io/coordinates.py" line="170" />
        <source>They look projected (metres or feet), so the CRS is wrong: give their CRS (e.g. crs='EPSG:4547' for a CGCS2000 Gauss-Krüger grid or crs='EPSG:32649' for UTM zone 49N) or correct it in the file</source>
        <translation>这些坐标看起来是投影坐标（米或英尺），因此坐标参考系有误：请给出其坐标参考系（例如 CGCS2000 高斯-克吕格投影用 crs='EPSG:4547'，UTM 49N 带用 crs='EPSG:32649'），或在文件中更正</translation>
    </message>
    <message>
        <location filename="../../layers/io/coordinates.py" line="194" />
        <source>all {count} features have coordinates that are NaN, infinite or beyond ±1e10: nothing in it can be placed on a map</source>
        <translation>全部 {count} 个要素的坐标均为 NaN、无穷大或超出 ±1e10：其中没有任何内容能放到地图上</translation>
    </message>
    <message>
        <location filename="../../layers/io/coordinates.py" line="198" />
        <source>dropped {count} features whose coordinates are NaN, infinite or beyond ±1e10 (features {features})</source>
        <translation>已丢弃 {count} 个坐标为 NaN、无穷大或超出 ±1e10 的要素（要素 {features}）</translation>
    </message>
    <message>
        <location filename="../../layers/io/coordinates.py" line="208" />
        <source>{text}; swapped back</source>
        <translation>{text}；已换回</translation>
    </message>
    <message>
        <location filename="../../layers/io/coordinates.py" line="224" />
        <source>{count} features have coordinates that are NaN, infinite or beyond ±1e10 (features {features})</source>
        <translation>{count} 个要素的坐标为 NaN、无穷大或超出 ±1e10（要素 {features}）</translation>
    </message>
    <message>
        <location filename="../../layers/io/coordinates.py" line="231" />
        <source>{text}: reopen the file (the readers swap them back) or fix the source</source>
        <translation>{text}：请重新打开文件（读取时会换回）或修正源数据</translation>
    </message>
</context><context>
    <name>layers.io.finish</name>
    <message>
        <location filename="../../layers/io/finish.py" line="105" />
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../layers/io/finish.py" line="106" />
        <source>has no geometry column: it is a table of attributes only (columns {columns}), not a map layer</source>
        <translation>没有几何列：它只是属性表（列 {columns}），不是地图图层</translation>
    </message>
    <message>
        <location filename="../../layers/io/finish.py" line="110" />
        <source>has no geometry: none of its {count} features has a shape or coordinates, so it is a table of attributes only, not a map layer</source>
        <translation>没有几何：其 {count} 个要素都没有形状或坐标，因此只是属性表，不是地图图层</translation>
    </message>
</context><context>
    <name>layers.io.postgis</name>
    <message>
        <location filename="../../layers/io/postgis.py" line="79" />
        <source>the database address is not a URL like postgresql://user:password@host:5432/database</source>
        <translation>数据库地址不是形如 postgresql://user:password@host:5432/database 的 URL</translation>
    </message>
    <message>
        <location filename="../../layers/io/postgis.py" line="82" />
        <source>is not a PostgreSQL/PostGIS address (driver '{driver}'); use postgresql://user:password@host:5432/database</source>
        <translation>不是 PostgreSQL/PostGIS 地址（驱动 '{driver}'）；请使用 postgresql://user:password@host:5432/database</translation>
    </message>
    <message>
        <location filename="../../layers/io/postgis.py" line="104" />
        <source>the connection to the database was lost ({reason}); check that the server is running and reachable, then try again</source>
        <translation>与数据库的连接已断开（{reason}）；请检查服务器是否运行且可访问，然后重试</translation>
    </message>
    <message>
        <location filename="../../layers/io/postgis.py" line="140" />
        <source>cannot connect to the database: {reason}</source>
        <translation>无法连接数据库：{reason}</translation>
    </message>
    <message>
        <location filename="../../layers/io/postgis.py" line="155" />
        <source>the database refused a request: {reason}</source>
        <translation>数据库拒绝了请求：{reason}</translation>
    </message>
    <message>
        <location filename="../../layers/io/postgis.py" line="166" />
        <source>the database has no PostGIS extension; its owner can add it with CREATE EXTENSION postgis</source>
        <translation>数据库没有 PostGIS 扩展；其所有者可用 CREATE EXTENSION postgis 添加</translation>
    </message>
    <message>
        <location filename="../../layers/io/postgis.py" line="195" />
        <source> and {count} more</source>
        <translation> 等另外 {count} 个</translation>
    </message>
    <message>
        <location filename="../../layers/io/postgis.py" line="196" />
        <source>no such table; the tables with geometry are: {tables}</source>
        <translation>没有该表；含几何的表有：{tables}</translation>
    </message>
    <message>
        <location filename="../../layers/io/postgis.py" line="361" />
        <location filename="../../layers/io/postgis.py" line="198" />
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../layers/io/postgis.py" line="241" />
        <source>SRID {srid} is not a coordinate reference system Lamplight can read ({problem}); its spatial_ref_sys entry needs a valid srtext</source>
        <translation>SRID {srid} 不是 Lamplight 能读取的坐标参考系（{problem}）；其 spatial_ref_sys 条目需要有效的 srtext</translation>
    </message>
    <message>
        <location filename="../../layers/io/postgis.py" line="258" />
        <source>the query returns no rows (it is not a SELECT)</source>
        <translation>查询不返回任何行（不是 SELECT）</translation>
    </message>
    <message>
        <location filename="../../layers/io/postgis.py" line="264" />
        <source>the query would change the database ({reason}); reading runs read-only: give one SELECT</source>
        <translation>该查询会修改数据库（{reason}）；读取以只读方式进行：请给出一条 SELECT</translation>
    </message>
    <message>
        <location filename="../../layers/io/postgis.py" line="276" />
        <location filename="../../layers/io/postgis.py" line="269" />
        <source>the query failed: {reason}</source>
        <translation>查询失败：{reason}</translation>
    </message>
    <message>
        <location filename="../../layers/io/postgis.py" line="271" />
        <source>the query holds several statements; give exactly one SELECT (nothing was run)</source>
        <translation>该查询包含多条语句；请只给出一条 SELECT（未执行任何语句）</translation>
    </message>
    <message>
        <location filename="../../layers/io/postgis.py" line="307" />
        <source>the query returns the column(s) {columns} more than once; give each column its own name with AS</source>
        <translation>查询多次返回列 {columns}；请用 AS 为每列指定不同的名称</translation>
    </message>
    <message>
        <location filename="../../layers/io/postgis.py" line="312" />
        <source>the query returns no geometry column; its columns are: {columns}</source>
        <translation>查询未返回几何列；其列为：{columns}</translation>
    </message>
    <message>
        <location filename="../../layers/io/postgis.py" line="318" />
        <source>uses the geometry column '{column}'; the other geometry columns ({others}) were left out</source>
        <translation>使用几何列 '{column}'；其他几何列（{others}）未使用</translation>
    </message>
    <message>
        <location filename="../../layers/io/postgis.py" line="325" />
        <source>the geometries are in several SRIDs ({srids}); bring them to one with ST_Transform</source>
        <translation>几何使用了多个 SRID（{srids}）；请用 ST_Transform 统一为一个</translation>
    </message>
    <message>
        <location filename="../../layers/io/postgis.py" line="331" />
        <source>the geometry has no SRID (0), so the layer has no coordinate reference system; set it in the layer properties</source>
        <translation>几何没有 SRID（0），因此图层没有坐标参考系；请在图层属性中设置</translation>
    </message>
    <message>
        <location filename="../../layers/io/postgis.py" line="359" />
        <source>has no geometry column; its columns are: {columns}</source>
        <translation>没有几何列；其列为：{columns}</translation>
    </message>
    <message>
        <location filename="../../layers/io/postgis.py" line="421" />
        <source>only vector layers can be saved to PostGIS</source>
        <translation>只有矢量图层可以保存到 PostGIS</translation>
    </message>
    <message>
        <location filename="../../layers/io/postgis.py" line="429" />
        <source>the table already exists; choose if_exists='replace' to overwrite it or 'append' to add the features to it</source>
        <translation>该表已存在；选择 if_exists='replace' 覆盖它，或选择 'append' 将要素追加到其中</translation>
    </message>
    <message>
        <location filename="../../layers/io/postgis.py" line="437" />
        <source>the table has no geometry column to append features to</source>
        <translation>该表没有可追加要素的几何列</translation>
    </message>
    <message>
        <location filename="../../layers/io/postgis.py" line="455" />
        <source>could not be written: {reason}</source>
        <translation>无法写入：{reason}</translation>
    </message>
</context><context>
    <name>layers.io.tabular</name>
    <message>
        <location filename="../../layers/io/tabular.py" line="89" />
        <source>the header repeats the column name(s) {repeated}; the repeats are read as {renamed} (as QGIS names them)</source>
        <translation>表头重复了列名 {repeated}；重复的列读作 {renamed}（与 QGIS 的命名方式相同）</translation>
    </message>
</context><context>
    <name>plugin_probe</name>
    <message>
        <location filename="../../plugins/plugin_probe.py" line="99" />
        <source>took longer than {seconds:g} s to load; skipped</source>
        <translation>加载用时超过 {seconds:g} 秒；已跳过</translation>
    </message>
    <message>
        <location filename="../../plugins/plugin_probe.py" line="102" />
        <source>ended the Python process while loading; skipped</source>
        <translation>加载时结束了 Python 进程；已跳过</translation>
    </message>
</context><context>
    <name>qgis_project</name>
    <message>
        <location filename="../../layers/qgis_project.py" line="166" />
        <source>a QGIS project must be saved as .qgz</source>
        <translation>QGIS 项目必须保存为 .qgz</translation>
    </message>
    <message>
        <location filename="../../layers/qgis_project.py" line="168" />
        <source>the folder {folder} does not exist</source>
        <translation>文件夹 {folder} 不存在</translation>
    </message>
    <message>
        <location filename="../../layers/qgis_project.py" line="171" />
        <source>the project holds no layers to export</source>
        <translation>项目中没有可导出的图层</translation>
    </message>
</context><context>
    <name>qml</name>
    <message>
        <location filename="../../layers/qml.py" line="239" />
        <source>size unit '{unit}' of '{key}' read as millimetres</source>
        <translation>“{key}”的尺寸单位 '{unit}' 按毫米读取</translation>
    </message>
    <message>
        <location filename="../../layers/qml.py" line="250" />
        <source>symbol '{name}': only its first of {count} symbol layers is used</source>
        <translation>符号“{name}”：只使用其 {count} 个符号层中的第一个</translation>
    </message>
    <message>
        <location filename="../../layers/qml.py" line="262" />
        <source>marker shape '{shape}' drawn as a circle</source>
        <translation>标记形状 '{shape}' 绘制为圆形</translation>
    </message>
    <message>
        <location filename="../../layers/qml.py" line="275" />
        <source>symbol layer type '{kind}' drawn with the default symbol</source>
        <translation>符号层类型 '{kind}' 以默认符号绘制</translation>
    </message>
    <message>
        <location filename="../../layers/qml.py" line="305" />
        <source>labeling type '{kind}' ignored (only simple labels are read)</source>
        <translation>已忽略标注类型 '{kind}'（只读取简单标注）</translation>
    </message>
    <message>
        <location filename="../../layers/qml.py" line="310" />
        <source>labels from an expression ignored (only a field is read)</source>
        <translation>已忽略来自表达式的标注（只读取字段）</translation>
    </message>
    <message>
        <location filename="../../layers/qml.py" line="328" />
        <source>raster renderer '{kind}' has no Lamplight equivalent (only singlebandpseudocolor is read)</source>
        <translation>栅格渲染器 '{kind}' 在 Lamplight 中没有对应项（只读取 singlebandpseudocolor）</translation>
    </message>
    <message>
        <location filename="../../layers/qml.py" line="333" />
        <source>the pseudocolor renderer has no colour ramp</source>
        <translation>伪彩色渲染器没有色带</translation>
    </message>
    <message>
        <location filename="../../layers/qml.py" line="342" />
        <source>an EXACT colour ramp is read as discrete classes</source>
        <translation>EXACT 色带按离散分类读取</translation>
    </message>
    <message>
        <location filename="../../layers/qml.py" line="358" />
        <source>class '{label}' is switched off in QGIS: drawn fully transparent</source>
        <translation>类别“{label}”在 QGIS 中已关闭：绘制为完全透明</translation>
    </message>
    <message>
        <location filename="../../layers/qml.py" line="387" />
        <source>renderer '{kind}' has no Lamplight equivalent (single symbol, categorised and graduated are read)</source>
        <translation>渲染器 '{kind}' 在 Lamplight 中没有对应项（读取单一符号、分类和分级）</translation>
    </message>
    <message>
        <location filename="../../layers/io/layer_styles.py" line="93" />
        <location filename="../../layers/qml.py" line="398" />
        <source>is {size:,} bytes, more than the {limit:,} a QML style may be</source>
        <translation>大小为 {size:,} 字节，超过 QML 样式允许的 {limit:,} 字节</translation>
    </message>
    <message>
        <location filename="../../layers/qml.py" line="403" />
        <source>is not a readable QML style: {problem}</source>
        <translation>不是可读的 QML 样式：{problem}</translation>
    </message>
    <message>
        <location filename="../../layers/qml.py" line="406" />
        <source>is not a QML style (its root element is &lt;{tag}&gt;, not &lt;qgis&gt;)</source>
        <translation>不是 QML 样式（其根元素是 &lt;{tag}&gt;，不是 &lt;qgis&gt;）</translation>
    </message>
    <message>
        <location filename="../../layers/qml.py" line="418" />
        <source>it holds neither a vector renderer nor a raster pipe</source>
        <translation>既没有矢量渲染器也没有栅格管道</translation>
    </message>
    <message>
        <location filename="../../layers/io/layer_styles.py" line="104" />
        <source>holds a raster colour ramp; '{layer}' is a vector layer</source>
        <translation>包含栅格色带；“{layer}”是矢量图层</translation>
    </message>
    <message>
        <location filename="../../layers/io/layer_styles.py" line="106" />
        <source>holds a vector renderer; '{layer}' is a raster</source>
        <translation>包含矢量渲染器；“{layer}”是栅格</translation>
    </message>
    <message>
        <location filename="../../layers/io/layer_styles.py" line="110" />
        <source>colours band {band}; '{layer}' has {count} band(s)</source>
        <translation>为波段 {band} 着色；“{layer}”只有 {count} 个波段</translation>
    </message>
    <message>
        <location filename="../../layers/io/layer_styles.py" line="116" />
        <source>uses field(s) {fields} that '{layer}' does not have</source>
        <translation>使用了“{layer}”没有的字段 {fields}</translation>
    </message>
    <message>
        <location filename="../../layers/io/layer_styles.py" line="135" />
        <source>'{layer}' has no style to save</source>
        <translation>“{layer}”没有可保存的样式</translation>
    </message>
    <message>
        <source>data-defined rotation ignored</source>
        <translation type="vanished">已忽略数据定义的旋转</translation>
    </message>
</context><context>
    <name>raster</name>
    <message>
        <location filename="../../layers/io/raster.py" line="29" />
        <source>the raster has no coordinate reference system; set the CRS in the layer properties before using it with other layers</source>
        <translation>栅格没有坐标参考系；与其他图层一起使用前，请在图层属性中设置坐标参考系</translation>
    </message>
    <message>
        <location filename="../../layers/io/raster.py" line="31" />
        <source>the raster is stored bottom-up (south in the first row); its rows were flipped to north-up</source>
        <translation>栅格按自下而上存储（第一行为南）；其行已翻转为北朝上</translation>
    </message>
    <message>
        <location filename="../../layers/io/raster.py" line="33" />
        <source>the raster is stored right-to-left (east in the first column); its columns were flipped to west-to-east</source>
        <translation>栅格按自右向左存储（第一列为东）；其列已翻转为自西向东</translation>
    </message>
    <message>
        <location filename="../../layers/io/raster.py" line="45" />
        <source>its georeferencing holds values that are not numbers ({transform}); the file is damaged</source>
        <translation>其地理配准包含非数值（{transform}）；文件已损坏</translation>
    </message>
    <message>
        <location filename="../../layers/io/raster.py" line="49" />
        <source>is rotated or sheared (its geotransform has rotation terms {b:g} and {d:g}); Lamplight needs a north-up raster: warp it first, e.g. gdalwarp</source>
        <translation>经过旋转或错切（其地理变换含旋转项 {b:g} 和 {d:g}）；Lamplight 需要北朝上的栅格：请先重投影，例如用 gdalwarp</translation>
    </message>
    <message>
        <location filename="../../layers/io/raster.py" line="53" />
        <source>has zero-size pixels (pixel width {a:g}, height {e:g}); its georeferencing is damaged</source>
        <translation>像元大小为零（像元宽 {a:g}，高 {e:g}）；其地理配准已损坏</translation>
    </message>
    <message>
        <location filename="../../layers/io/raster.py" line="94" />
        <source>the raster's file is no longer there (moved or deleted since it was opened), so its pixels cannot be read: restore the file or remove the layer</source>
        <translation>栅格文件已不在原处（打开后被移动或删除），无法读取其像元：请恢复该文件或移除该图层</translation>
    </message>
    <message>
        <location filename="../../layers/io/raster.py" line="99" />
        <source>the raster's file was changed on disk since it was opened; open it again to use the new pixels</source>
        <translation>栅格文件在打开后已在磁盘上被修改；请重新打开以使用新的像元</translation>
    </message>
    <message>
        <location filename="../../layers/io/raster.py" line="126" />
        <source>kind '{kind}' describes vector features; a raster cannot have it (raster kinds: {kinds})</source>
        <translation>图层类型 '{kind}' 描述的是矢量要素；栅格不能使用它（栅格图层类型：{kinds}）</translation>
    </message>
    <message>
        <location filename="../../layers/io/raster.py" line="191" />
        <source>its values look like ground elevation (all above sea level, with relief): if it is a terrain model (DEM), set its kind to terrain</source>
        <translation>其数值看似地面高程（均高于海平面，且有起伏）：如果是地形模型 (DEM)，请将其图层类型设为 terrain</translation>
    </message>
</context><context>
    <name>style_editor</name>
    <message>
        <location filename="../dialogs/style_editor.py" line="587" />
        <source>Double-click a colour to change it; edit labels in place</source>
        <translation>双击颜色进行修改；可直接编辑标注</translation>
    </message>
</context><context>
    <name>terrain</name>
    <message>
        <location filename="../../plugins/coverage/terrain.py" line="51" />
        <source>has no coordinate reference system; set it before using it as terrain</source>
        <translation>没有坐标参考系；用作地形前请先设置</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/terrain.py" line="66" />
        <source>is rotated or not north-up; warp it to a north-up grid first</source>
        <translation>经过旋转或非北朝上；请先将其重投影为北朝上的网格</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/terrain.py" line="115" />
        <source>does not cover the study area ({left:.0f}, {bottom:.0f}) - ({right:.0f}, {top:.0f}) in {crs}</source>
        <translation>未覆盖研究区域 ({left:.0f}, {bottom:.0f}) - ({right:.0f}, {top:.0f})（{crs}）</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/terrain.py" line="127" />
        <source>terrain '{name}' has no data under {share:.1%} of the study area: those cells take the elevation of the nearest cell with data</source>
        <translation>地形“{name}”在研究区域的 {share:.1%} 处无数据：这些单元取最近有数据单元的高程</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/terrain.py" line="134" />
        <source>the DSM lies more than {limit:g} m below terrain '{name}' on {share:.1%} of the cells (down to {low:.1f} m): check that both use the same vertical datum; read as open ground</source>
        <translation>在 {share:.1%} 的单元上，DSM 比地形“{name}”低 {limit:g} m 以上（最低 {low:.1f} m）：请检查两者是否使用相同的高程基准；按空地处理</translation>
    </message>
    <message>
        <location filename="../../plugins/coverage/terrain.py" line="142" />
        <source>terrain '{name}' ({crs}, {cell:g} {unit} cells) resampled bilinearly to the {res:g} m obstruction grid; antenna and receiver heights are above the local ground</source>
        <translation>地形“{name}”（{crs}，{cell:g} {unit} 单元）已双线性重采样到 {res:g} m 遮挡网格；天线和接收机高度为相对当地地面的高度</translation>
    </message>
</context></TS>
