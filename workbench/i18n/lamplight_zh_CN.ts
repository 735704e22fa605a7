<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1">
<context>
    <name>Algorithm</name>
    <message>
        <location filename="../../plugins/api.py" line="860" />
        <source>Group: {group}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/api.py" line="861" />
        <source>Parameters:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/api.py" line="865" />
        <source>optional</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/api.py" line="867" />
        <source>default {value}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/api.py" line="869" />
        <source> (a file path, or a layer name with --project)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/api.py" line="875" />
        <source>Outputs:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="103" />
        <source>Site selection</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="435" />
        <source>Site selection: k sites covering the most demand (MCLP)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="436" />
        <source>Chooses which k lamp poles should carry micro-stations to cover the most people, and in what order to build them. Candidates are the eligible poles (in service, height range, power, a free attachment slot, outside keep-out buffers); demand comes from a demand layer, buildings or a raster, weighted up near schools and office clusters and down where existing 5G sites already serve it. A pole covers a demand point within the radius, or where the coverage model predicts RSRP above the threshold.

exact solves the maximal covering location problem as a MILP on HiGHS (after exact reductions) and reports the optimality gap. When k poles could nearly cover everything, proving the optimum can take hours; exact then spends the time limit improving the plan, re-solving the neighbourhoods of uncovered demand exactly, and states the gap to covering everything. greedy is the lazy greedy, guaranteed within 63% of optimal and usually within 1-2%, with the proven gap stated. Outputs: the sites with rank, phase, marginal and cumulative coverage and cost; covered and uncovered demand; the coverage curve for 1..N sites with a proven ceiling for each N.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="464" />
        <source>Site selection: most demand within a budget</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="465" />
        <source>Like the k-site model, but the sites may cost different amounts (a base cost, a surcharge where a pole has no power, or a cost field) and their total must stay within the budget. Exact (HiGHS MILP with optimality gap) or greedy (best of gain-per-cost and gain, with a proven bound).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="484" />
        <source>Site selection: fewest sites covering the demand (LSCP)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/siting/algorithm.py" line="485" />
        <source>The fewest sites (or the least total cost) that cover all the demand any eligible pole can reach, or a target share of it (e.g. 95%). Demand no pole reaches is reported, not required. Exact (HiGHS MILP with optimality gap) or greedy (cheapest per covered demand, or in the order of the LP relaxation when that is smaller, redundant sites pruned, with a proven lower bound). Counting sites, both then drop the least-needed poles one by one and move their neighbours to win the demand back (the exact solver does so when its MILP stops at the time limit).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="79" />
        <source>Coverage: RSRP, best server and SINR</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="80" />
        <source>Coverage</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="82" />
        <source>Predicts downlink coverage of 5G cells on lamp poles or existing sites. For every grid cell it gives the best-server RSRP (dBm per resource element), which cell serves it, and the SINR against all other cells on the same carrier at full load plus thermal noise. Path loss follows 3GPP TR 38.901 (UMi-Street Canyon for street-level small cells, UMa for macro sites, or free space); whether a cell sees a transmitter is decided from building heights (a buildings layer or a height raster), not drawn at random. Sector antennas use the 3GPP pattern. Outputs: RSRP, best-server and SINR rasters, the area each cell serves above the RSRP threshold, and the shares of area, residents, workers, buildings and schools covered, with the demand each site serves. The model and its limits are described in docs/coverage_model.md.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/tools/common.py" line="19" />
        <source>Vector tools</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/tools/buffer.py" line="29" />
        <source>Buffer</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/tools/buffer.py" line="31" />
        <source>Draws a zone of the given distance around every feature, e.g. 150 m around each school to see which lamp poles are close to it. Attributes are kept. A negative distance shrinks polygons (features that vanish are dropped). With 'Dissolve', overlapping zones merge into one feature.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/tools/count_points.py" line="18" />
        <source>Count points in polygons</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/tools/count_points.py" line="20" />
        <source>Adds to each polygon the number of points inside it ('point_count'), and optionally the sum of a numeric field of those points ('&lt;field&gt;_sum', e.g. the office floor area in each grid cell). A point on the boundary counts as inside, so a point on a shared edge counts for both polygons.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/tools/gcj02.py" line="30" />
        <source>Convert points from GCJ-02 to WGS84</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/tools/gcj02.py" line="32" />
        <source>Moves points whose coordinates come from a Chinese commercial map (AutoNavi/Gaode, Tencent), which uses the shifted GCJ-02 coordinates, onto WGS84/CGCS2000 so they sit on survey data. The shift is about 600 m in Guangzhou. Points outside China are left as they are.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/tools/filter.py" line="25" />
        <source>Filter by attribute</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/tools/filter.py" line="27" />
        <source>Copies the features whose attributes satisfy an expression into a new layer, in Python or QGIS spelling: price_m2 &lt; 200 and industry == "finance", or "price_m2" &lt; 200 AND "industry" = 'finance'. Allowed: field names (in `backticks` or "double quotes" when they contain spaces), numbers, 'text', True/False/None/NULL, comparisons (== = != &lt;&gt; &lt; &lt;= &gt; &gt;=), in [...] / IN (...), is None / IS NULL, LIKE / ILIKE with % and _, and/or/not, + - * / // % ** and || (join text), $area, $length, $x, $y and the functions abs, round, sqrt, floor, ceil, min, max, coalesce, if, upper, lower, trim, length, concat, to_int, to_real, to_string. Other calls and attribute access are refused, and so is an expression too long, too deeply nested or making too much text. A comparison with an empty value is false.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/tools/join.py" line="32" />
        <source>Join attributes by location</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/tools/join.py" line="34" />
        <source>Copies onto each input feature the attributes of the join-layer features that satisfy the spatial relation (e.g. the district each lamp pole lies 'within'). 'first match' keeps one row per input feature (the first matching join feature in layer order) and adds 'join_count', the number of matches; 'all matches' gives one row per matching pair. Join fields whose names are already taken get the suffix '_join'.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/tools/clip.py" line="19" />
        <source>Clip</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/tools/clip.py" line="21" />
        <source>Cuts the input layer to the area covered by the polygons of the clip layer, e.g. the roads inside a district. Features cut by the boundary keep only their inside part; features fully outside are dropped. Attributes are kept.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/tools/nearest.py" line="33" />
        <source>Distance to nearest feature</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/tools/nearest.py" line="35" />
        <source>For every input feature, finds the closest feature of the target layer and adds 'nearest_m' (the distance in metres) and the target's id field (as 'nearest_&lt;field&gt;'; the target's row number when no field is chosen). Example: each office listing to the nearest school or 5G site. Beyond the optional search radius the distance is left empty.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="27" />
        <source>Demand</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="38" />
        <source>Demand from buildings</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="40" />
        <source>Makes a demand layer (residents and daytime workers per building) from building footprints: floor area (footprint × storeys) divided by the floor area per person of the building's use, e.g. 40 m² per resident in housing and 15 m² per worker in offices. The use comes from the building type field (OSM 'building', 'type', '用途'...). Use it when the city has buildings but no population grid.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="85" />
        <source>Demand from a population raster</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="87" />
        <source>Makes a demand layer from a raster of people per cell (e.g. a census or WorldPop grid). Given buildings, each cell's people are shared among the buildings inside it by residential floor area (dasymetric mapping), so demand sits where people live; cells without buildings keep their people. Totals are kept exactly.</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>AlgorithmDialog</name>
    <message>
        <location filename="../processing/dialog.py" line="175" />
        <source>{name} — Processing</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../processing/dialog.py" line="217" />
        <source>Advanced parameters ({count})</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../processing/dialog.py" line="255" />
        <source>Messages of the run appear here.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../processing/dialog.py" line="257" />
        <source>Run</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../processing/dialog.py" line="259" />
        <source>Cancel</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../processing/dialog.py" line="261" />
        <source>Close</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../processing/dialog.py" line="346" />
        <source>
── run of {time} ──</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../processing/dialog.py" line="347" />
        <source>Running {name}…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../processing/dialog.py" line="355" />
        <source>Cancelling…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../processing/dialog.py" line="365" />
        <source>Added layer '{name}'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../processing/dialog.py" line="390" />
        <source>Cancelled. The project is unchanged.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../processing/dialog.py" line="391" />
        <source>Cancelled by the user.</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>AttributeFilter</name>
    <message>
        <location filename="../../plugins/tools/filter.py" line="55" />
        <source>{matching} of {total} features match {expression}</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>AttributeTableDock</name>
    <message>
        <location filename="../docks/attribute_table.py" line="153" />
        <source>Siting decision:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/attribute_table.py" line="156" />
        <source>Lock selected poles</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/attribute_table.py" line="157" />
        <source>Mark the selected poles approved: every siting plan run with the decision field builds them</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/attribute_table.py" line="158" />
        <source>Exclude selected poles</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/attribute_table.py" line="159" />
        <source>Mark the selected poles rejected: no siting plan run with the decision field chooses them</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/attribute_table.py" line="160" />
        <source>Clear decision</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/attribute_table.py" line="160" />
        <source>Remove the decision of the selected poles</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/attribute_table.py" line="178" />
        <source>Select the poles to decide on first (in the table or on the map)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/attribute_table.py" line="342" />
        <source>Editing “{name}”: double-click a cell to change it (Ctrl+Z undoes)</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>BasemapDialog</name>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="65" />
        <source>Add Basemap</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="77" />
        <source>XYZ tiles (URL template)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="77" />
        <source>WMS layer</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="78" />
        <source>WMTS layer</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="78" />
        <source>Municipal WMTS (by URL)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="88" />
        <source>Fetch layers</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="94" />
        <source>your Tianditu key (tk), from console.tianditu.gov.cn</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="96" />
        <source>e.g. a,b,c (for {s} in the template)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="103" />
        <source>Tiles are in GCJ-02 (Chinese commercial maps such as AutoNavi/Gaode or Tencent): shift them onto WGS84/CGCS2000</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="110" />
        <source>Type</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="112" />
        <source>Name</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="113" />
        <source>Address</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="114" />
        <source>Key</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="115" />
        <source>Subdomains</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="116" />
        <source>Highest zoom</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="117" />
        <source>Layer</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="118" />
        <source>Tile matrix set</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="120" />
        <source>Attribution</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="151" />
        <source>A tile URL with {z}, {x} and {y}; {-y} for TMS rows, {s} for a subdomain.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="152" />
        <source>The WMS address; Fetch layers reads the layers it offers.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="153" />
        <source>The WMTS address; Fetch layers reads its layers and tile matrix sets.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="155" />
        <source>https://map.example.gov.cn/wmts</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="156" />
        <source>https://tiles.example.org/{z}/{x}/{y}.png</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="157" />
        <source>https://map.example.gov.cn/wms</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="159" />
        <source>Tianditu needs a key of your own (free from console.tianditu.gov.cn); it is kept in your settings on this computer, never in the project file.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="179" />
        <source>Enter the server's address first.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="183" />
        <source>Reading the server's capabilities…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="191" />
        <source>Could not read the server: {problem}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="199" />
        <source>The server offers no layer Lamplight can draw.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="201" />
        <source>{count} layers offered.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="223" />
        <source>Enter your Tianditu key: Tianditu refuses tiles without one.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="226" />
        <source>Give the basemap a name.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="229" />
        <source>The address must start with http:// or https://.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="232" />
        <source>An XYZ template needs {z}, {x} and {y} (or {-y}).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="235" />
        <source>The template has {s}: list its subdomains, e.g. a,b,c.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="238" />
        <source>Press Fetch layers and choose a layer.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/basemap_dialog.py" line="243" />
        <source>Choose a tile matrix set.</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>BasemapMenu</name>
    <message>
        <location filename="../basemap/menu.py" line="57" />
        <source>None (work offline)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../basemap/menu.py" line="70" />
        <source>Add Basemap…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../basemap/menu.py" line="71" />
        <source>A basemap from an XYZ template, a WMS or WMTS server, or a preset such as Tianditu</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../basemap/menu.py" line="83" />
        <source>Online map from {host}, cached on disk</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../basemap/menu.py" line="110" />
        <source>Warning: '{name}' serves GCJ-02 tiles, drawn here without the shift onto WGS84; they lie several hundred metres (about 600 m in Guangzhou) off survey data. Add it again with the GCJ-02 option ticked.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../basemap/menu.py" line="146" />
        <source>The project's basemap needs your access key: choose it in View &gt; Basemap to enter it.</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>BrokenPlugin</name>
    <message>
        <location filename="../../plugins/registry.py" line="69" />
        <source>the plugin {source} {message}; fix or reinstall it</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>BuildingHeights</name>
    <message>
        <location filename="../../layers/building_heights.py" line="92" />
        <source>storey height must be positive and the default height not negative</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/building_heights.py" line="138" />
        <source>height_m of {total:,} buildings: {given:,} from the data, {levels:,} from storeys × {storey:g} m, {typed:,} from the building type, {default:,} set to the default {default_m:g} m (see the height_source field)</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>ComparisonDialog</name>
    <message>
        <location filename="../docks/scenarios.py" line="418" />
        <source>Compare “{a}” and “{b}”</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="421" />
        <source>Sites</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="422" />
        <source>Cost</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="423" />
        <source>People covered</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="424" />
        <source>People covered (%)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="425" />
        <source>{measure} covered (%)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="427" />
        <source>Sites only in this scenario</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="428" />
        <source>Sites in both</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="431" />
        <source>Figure</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="431" />
        <source>B − A</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="439" />
        <source>Cost per 1,000 more people (B over A)</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>CoverageDiagnostics</name>
    <message>
        <location filename="../../plugins/coverage/diagnostics.py" line="117" />
        <source>in {share:g} % of the served cells a cell beyond the {radius:g} m maximum radius is received stronger than the best server: it counts as interference there; raise max_radius to let it serve</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>CoverageRsrp</name>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="287" />
        <source>is declared a DSM (ground included): give the terrain too, so that the ground can be told from what stands on it</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/coverage/algorithm.py" line="346" />
        <source>is a terrain model (kind terrain) given as the height raster beside terrain '{name}'; give one terrain, and heights or a DSM as the height raster</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>CoveredFigures</name>
    <message>
        <location filename="../../plugins/figures.py" line="25" />
        <source>People covered</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/figures.py" line="26" />
        <source>Weighted demand covered</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>CrsPicker</name>
    <message>
        <location filename="../dialogs/project_properties.py" line="94" />
        <source>Search by EPSG code or name, e.g. 4547 or CGCS2000 114E</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/project_properties.py" line="103" />
        <source>Reading the coordinate systems…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/project_properties.py" line="139" />
        <source>{shown:,} of {total:,} coordinate systems</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>CrsSearchDialog</name>
    <message>
        <location filename="../dialogs/project_properties.py" line="174" />
        <source>Choose a Coordinate System</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>DecidePoles</name>
    <message>
        <location filename="../../layers/pole_decisions.py" line="41" />
        <source>Lock {count} pole(s) in '{layer}'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/pole_decisions.py" line="42" />
        <source>Exclude {count} pole(s) in '{layer}'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/pole_decisions.py" line="43" />
        <source>Clear the decision of {count} pole(s) in '{layer}'</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>Demand</name>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="49" />
        <source>Buildings</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="51" />
        <source>Buildings of unknown use count as</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="53" />
        <source>OSM's building=yes and empty types: most urban floor area is housing; 'ancillary' leaves them empty.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="55" />
        <source>Density factor</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="56" />
        <source>Multiplies every default density, e.g. 1.2 where flats are smaller than the mean.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="61" />
        <source>Demand from buildings</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="72" />
        <source>{m2:g} m² per person</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="73" />
        <source>no occupants</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="74" />
        <source>{use}: {count:,} buildings, {area:,.0f} m² floor area, {rule}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="127" />
        <location filename="../../plugins/demand/algorithm.py" line="77" />
        <source>demand from {name}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="96" />
        <source>Population raster (people per cell)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="98" />
        <source>The cells count</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="100" />
        <source>Buildings to share people among</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="105" />
        <source>Demand from population raster</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="124" />
        <source>{people:,.0f} people in {cells:,} cells; {shared:,} cells shared among buildings</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="135" />
        <source>is rotated; warp it to a north-up grid first</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="141" />
        <source>{count:,} cells hold negative people counts</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/demand/algorithm.py" line="145" />
        <source>has {count:,} populated cells, more than {limit:,}; clip it to the study area or aggregate it to coarser cells first</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>EditSave</name>
    <message>
        <location filename="../../layers/edit_save.py" line="51" />
        <source>has no file of its own; its edits are saved with the project</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/edit_save.py" line="55" />
        <source>'{ext}' files cannot be rewritten safely in place; use Save Features As to write a GeoPackage</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/edit_save.py" line="59" />
        <source>the linked file no longer exists; use Save Features As</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/edit_save.py" line="74" />
        <source>could not be written ({reason}); the file is unchanged</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>EditSession</name>
    <message>
        <location filename="../editing/session.py" line="96" />
        <source>Only layers with features can be edited; choose one in the Layers panel</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../editing/session.py" line="101" />
        <source>Editing “{name}”</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../editing/session.py" line="110" />
        <source>Stop Editing</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../editing/session.py" line="111" />
        <source>Save the edits of “{name}”?</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../editing/session.py" line="138" />
        <source>Edits of “{name}” are followed by other changes ({step}); undo those first in the Undo History</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../editing/session.py" line="149" />
        <source>Stopped editing “{name}”</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../editing/session.py" line="174" />
        <source>The edit could not be made: {error}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../editing/session.py" line="182" />
        <source>Toggle Editing on a layer first (Layers panel, right-click)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../editing/session.py" line="184" />
        <source>“{name}” is a raster and cannot be edited</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../editing/session.py" line="201" />
        <source>Snapping is on, but no visible roads layer is in the project</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../editing/session.py" line="214" />
        <source>“{name}” holds {family}s; points can be added and moved in point layers only</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../editing/session.py" line="226" />
        <source>Added a feature to “{name}”</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../editing/session.py" line="236" />
        <source>Moved a feature of “{name}”</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../editing/session.py" line="242" />
        <source> (snapped {distance:.1f} m onto a road)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../editing/session.py" line="250" />
        <source>Select the features to delete first</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../editing/session.py" line="279" />
        <source>Select the features to calculate first</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../editing/session.py" line="282" />
        <source>“{name}” has no field '{field}'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../editing/session.py" line="309" />
        <source>“{name}” changed while '{field}' was calculated; run the calculation again</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../editing/session.py" line="312" />
        <source>Calculated '{field}' for {count} features</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../editing/session.py" line="322" />
        <source>“{name}” has no file of its own: its edits are saved with the project</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../editing/session.py" line="327" />
        <source>Save Layer Edits</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../editing/session.py" line="328" />
        <source>Overwrite the features of “{name}” in
{path}
with the edited ones? Other programs using this file will see the change.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../editing/session.py" line="336" />
        <source>Writing “{name}” to {file}…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../editing/session.py" line="354" />
        <source>Edits of “{name}” not saved: {error}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../editing/session.py" line="357" />
        <source>Saved the edits of “{name}” to {path}</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>EditValues</name>
    <message>
        <location filename="../../layers/edit_values.py" line="78" />
        <location filename="../../layers/edit_values.py" line="71" />
        <source>field '{field}': {value!r} is not a number</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/edit_values.py" line="90" />
        <source>field '{field}': {value!r} is not yes or no</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/edit_values.py" line="102" />
        <source>field '{field}': {value!r} lists unknown items ({unknown}); allowed: {allowed}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/edit_values.py" line="113" />
        <source>field '{field}': {value!r} is not comma-separated degrees 0-360</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/edit_values.py" line="118" />
        <source>field '{field}': {value!r} is not one of {allowed}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/edit_values.py" line="127" />
        <source>has no field '{field}'; the fields are: {fields}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/edit_values.py" line="133" />
        <source>field '{field}' needs a value</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/edit_values.py" line="142" />
        <source>field '{field}': {value!r} is not a finite number</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/edit_values.py" line="147" />
        <source>field '{field}': {value:g} is below {minimum:g}{unit}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/edit_values.py" line="151" />
        <source>field '{field}': {value:g} is not a whole number</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/edit_values.py" line="159" />
        <source>field '{field}': {value!r} is not a date</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>Edits</name>
    <message>
        <location filename="../../layers/edits.py" line="63" />
        <source>is a raster; only layers with features can be edited</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/edits.py" line="72" />
        <source>has {count} features; feature #{position} does not exist</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/edits.py" line="117" />
        <source>Set '{field}' of feature #{position} in '{layer}'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/edits.py" line="120" />
        <source>Set '{field}' of {count} features in '{layer}'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/edits.py" line="157" />
        <source>Add feature to '{layer}'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/edits.py" line="204" />
        <source>Move feature #{position} in '{layer}'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/edits.py" line="228" />
        <source>Delete {count} feature(s) from '{layer}'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/edits.py" line="261" />
        <source>a field needs a name</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/edits.py" line="263" />
        <source>already has a field '{field}'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/edits.py" line="270" />
        <source>has no field '{field}'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/edits.py" line="273" />
        <source>field '{field}' belongs to the '{kind}' schema that the analyses rely on; it cannot be {action}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/edits.py" line="284" />
        <source>unknown field type '{type}'; choose one of {types}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/edits.py" line="289" />
        <source>Add field '{field}' to '{layer}'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/edits.py" line="309" />
        <source>deleted</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/edits.py" line="313" />
        <source>Delete field '{field}' from '{layer}'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/edits.py" line="336" />
        <source>renamed</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/edits.py" line="339" />
        <source>Rename field '{old}' to '{new}' in '{layer}'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/edits.py" line="367" />
        <source>Calculate '{field}' for {count} features in '{layer}'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/edits.py" line="406" />
        <source>Add results of '{run}'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/edits.py" line="408" />
        <source>Add layer(s) {names}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/edits.py" line="430" />
        <source>Remove layer '{layer}'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/edits.py" line="446" />
        <source>Move layer '{layer}'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/edits.py" line="462" />
        <source>a layer needs a name</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/edits.py" line="463" />
        <source>Rename layer '{old}' to '{new}'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/edits.py" line="480" />
        <source>Change style of '{layer}'</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>Effort</name>
    <message>
        <location filename="../../plugins/siting/effort.py" line="57" />
        <source>the work limit must be at least 1, got {work}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/siting/effort.py" line="104" />
        <source>work limit {work:,} simplex iterations ({spent:,} spent; a node counts {node}, a window {window}); safety time limit {seconds:g} s</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/siting/effort.py" line="113" />
        <source>stopped by the safety time limit after {seconds:.0f} s ({phases}): the result may differ on another machine</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>Exact</name>
    <message>
        <location filename="../../plugins/siting/exact.py" line="176" />
        <source>swaps</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>ExpressionError</name>
    <message>
        <location filename="../../layers/expressions/errors.py" line="37" />
        <source> (at column {column})</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/errors.py" line="39" />
        <source>expression {expression}: {problem}{where}</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>FieldCalculatorDialog</name>
    <message>
        <location filename="../editing/field_calculator.py" line="42" />
        <source>Field Calculator — {name}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../editing/field_calculator.py" line="43" />
        <source>Update an existing field</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../editing/field_calculator.py" line="44" />
        <source>Create a new field</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../editing/field_calculator.py" line="52" />
        <source>e.g.  round("height_m" * 1.1, 1)   or   if(has_power, 4, 2)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../editing/field_calculator.py" line="53" />
        <source>Only the {count} selected features</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../editing/field_calculator.py" line="65" />
        <source>Type of the new field</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../editing/field_calculator.py" line="66" />
        <source>Expression</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../editing/field_calculator.py" line="97" />
        <source>The layer already has a field '{field}'</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>FileCommands</name>
    <message>
        <location filename="../window/file_commands.py" line="104" />
        <source>Opening {name}…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../window/file_commands.py" line="137" />
        <source>Saving {name}…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../window/file_commands.py" line="212" />
        <source>; project CRS {crs} (Project &gt; Properties changes it)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../window/file_commands.py" line="226" />
        <source>Only vector layers have fields to map</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../window/file_commands.py" line="243" />
        <source>Map fields of '{layer}'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../window/file_commands.py" line="250" />
        <source>'{layer}' loaded as {kind}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../window/file_commands.py" line="251" />
        <source>a layer without a kind</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>Identify</name>
    <message>
        <location filename="../canvas/feature_query.py" line="104" />
        <source>cell (row, column)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../canvas/feature_query.py" line="105" />
        <source>cell {row}, {col}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../canvas/feature_query.py" line="117" />
        <source>serving cell</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../canvas/feature_query.py" line="119" />
        <source>serving site</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>ImportAssistant</name>
    <message>
        <location filename="../dialogs/import_assistant.py" line="134" />
        <source>Import Assistant — {layer}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="160" />
        <source>No kind (keep the layer's own fields)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="166" />
        <source>Choose the source of each field; a field without one gets the kind's default.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="252" />
        <location filename="../dialogs/import_assistant.py" line="169" />
        <source>Field</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="169" />
        <source>Type</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="169" />
        <source>Required</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="170" />
        <source>Source</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="170" />
        <source>Field, expression or value</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="171" />
        <source>Value map (text=value; …)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="184" />
        <source>Preview of the first {rows} features as they would load</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="192" />
        <source>Save Mapping…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="193" />
        <source>Load Mapping…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="201" />
        <source>Keep them</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="202" />
        <source>Drop them</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="205" />
        <source>Kind:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="206" />
        <source>The layer's other fields:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="244" />
        <source>required</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="249" />
        <source>(missing)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="250" />
        <source>default: {value}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="251" />
        <source>(empty)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="252" />
        <source>Expression</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="253" />
        <source>Constant</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="324" />
        <source>suggested with confidence {percent:.0%}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="365" />
        <source>Does not load yet: {problem}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="368" />
        <source>The first {rows} features fit; OK maps all {count:,}.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="370" />
        <source>The layer will have no kind.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="431" />
        <source>Mapping saved to {path}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="444" />
        <source>Save Field Mapping</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="451" />
        <location filename="../dialogs/import_assistant.py" line="445" />
        <source>Field mapping (*.json)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="450" />
        <source>Load Field Mapping</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/import_assistant.py" line="462" />
        <source>Mapping {count:,} features…</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>Lagrange</name>
    <message>
        <location filename="../../plugins/siting/lagrange.py" line="94" />
        <source>Lagrangian bound</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>LanguageMenu</name>
    <message>
        <location filename="menu.py" line="21" />
        <source>&amp;Language</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="menu.py" line="22" />
        <source>The interface language; takes effect when Lamplight is started again</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="menu.py" line="26" />
        <source>Follow the System</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="menu.py" line="34" />
        <source>Takes effect at the next start</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="menu.py" line="42" />
        <source>Language</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="menu.py" line="43" />
        <source>The new interface language takes effect when Lamplight is started again.</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>LayerDistancesInput</name>
    <message>
        <location filename="../processing/widgets.py" line="413" />
        <source>Add layer</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../processing/widgets.py" line="414" />
        <source>Add a layer with its own distance</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../processing/widgets.py" line="447" />
        <source>Remove this layer</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>LayerDistancesParameter</name>
    <message>
        <location filename="../../plugins/api.py" line="495" />
        <source>expected 'LAYER:DISTANCE; ...' or a list of (layer, distance) pairs, got {type}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/api.py" line="523" />
        <source>layers with a distance each, e.g. 'Schools:50; Sites:100 m'</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>LayerPropertiesDialog</name>
    <message>
        <location filename="../dialogs/layer_properties.py" line="137" />
        <source>Choose…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/layer_properties.py" line="146" />
        <source>Set Layer CRS: if the coordinates are in another system than the file says, give it here. The coordinates are kept as they are, not reprojected.</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>LayerTreeDock</name>
    <message>
        <location filename="../docks/layer_tree.py" line="189" />
        <source>Map Fields / Set Kind…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/layer_tree.py" line="191" />
        <source>Toggle Editing</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>Legend</name>
    <message>
        <location filename="../export/layout_elements.py" line="130" />
        <source>Legend</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>MainWindow</name>
    <message>
        <location filename="../main_window.py" line="50" />
        <source>&amp;File</source>
        <extracomment>Menus in menu-bar order; ``menu(name)`` puts other menus before Help.</extracomment>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="50" />
        <source>&amp;Edit</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="51" />
        <source>&amp;Project</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="51" />
        <source>&amp;View</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="52" />
        <source>&amp;Layer</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="52" />
        <source>&amp;Selection</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="53" />
        <source>&amp;Tools</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="53" />
        <source>&amp;Help</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="75" />
        <source>Panels</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="178" />
        <source>&amp;New Project</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="179" />
        <source>Start an empty project</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="180" />
        <source>&amp;Open Project…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="181" />
        <source>Open a .lamp project</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="182" />
        <source>&amp;Save Project</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="183" />
        <source>Save the project</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="184" />
        <source>Save Project &amp;As…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="185" />
        <source>Save the project under a new name</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="186" />
        <source>&amp;Add Layer…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="187" />
        <source>Add layers from GeoPackage, Shapefile, GeoJSON, CSV/XLSX or GeoTIFF files</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="188" />
        <source>&amp;Find Missing Data Files…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="189" />
        <source>Point at the folder the project's missing data files moved to, and restore their layers</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="190" />
        <source>&amp;Quit</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="209" />
        <location filename="../main_window.py" line="191" />
        <source>&amp;Properties…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="192" />
        <source>Title and coordinate system (CRS) of the project</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="193" />
        <source>&amp;RF Profile…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="194" />
        <source>Radio assumptions shared by coverage, rf-mode siting and the statistics</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="195" />
        <source>Zoom to &amp;Full Extent</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="196" />
        <source>Show every visible layer</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="197" />
        <source>Zoom to &amp;Layer</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="198" />
        <source>Show the whole current layer</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="199" />
        <source>Zoom to &amp;Selection</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="200" />
        <source>Show the selected features</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="201" />
        <source>Zoom &amp;In</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="202" />
        <source>Zoom &amp;Out</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="203" />
        <source>&amp;Refresh</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="204" />
        <source>Render the map again</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="205" />
        <source>Open &amp;Attribute Table</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="206" />
        <source>Show the attributes of the current layer</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="207" />
        <source>&amp;Style…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="208" />
        <source>Edit the current layer's style</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="210" />
        <source>Source, CRS, fields, load notes and style of the current layer</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="211" />
        <source>Save Features &amp;As…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="212" />
        <source>Write the current layer, or only its selected features, to GeoPackage, GeoJSON, CSV or GeoTIFF</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="213" />
        <source>&amp;Remove Layer</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="214" />
        <source>Remove the current layer from the project</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="215" />
        <source>&amp;Clear Selection</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="216" />
        <source>Deselect every feature in every layer</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="217" />
        <source>Select &amp;All Features</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="218" />
        <source>Select every feature of the current layer</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="219" />
        <source>&amp;Invert Selection</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="220" />
        <source>Invert the current layer's selection</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="221" />
        <source>&amp;About Lamplight</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="239" />
        <source>Open &amp;Recent</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="250" />
        <source>&amp;Basemap</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="281" />
        <source>Project</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="282" />
        <source>Navigation</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="287" />
        <source>Map Tools</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="297" />
        <source>Basemap — An online background map under the layers (off by default: data stays here)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="344" />
        <source>{name}[*] — {app}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="354" />
        <source>Choose a layer in the Layers panel first</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="386" />
        <source>Remove layer</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="386" />
        <source>“{name}” exists only in this project; removing it discards its data unless the project was saved. Remove it?</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="408" />
        <source>Select all</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="413" />
        <source>Invert selection</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="422" />
        <source>choose a layer in the Layers panel first</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="423" />
        <source>“{name}” is a raster: choose a layer with features</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="424" />
        <source>{command}: {reason}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="443" />
        <source>Identified {n} feature</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="444" />
        <source>Identified {n} features</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="445" />
        <source>Nothing under the cursor</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="448" />
        <source>About {app}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../main_window.py" line="449" />
        <source>&lt;b&gt;{app}&lt;/b&gt;&lt;br&gt;Desktop GIS planning workbench for 5G small cells on smart lamp poles.&lt;br&gt;&lt;br&gt;Open source; data stays on this computer unless you turn on an online basemap.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../processing/install.py" line="65" />
        <source>&amp;Processing</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>Measuring</name>
    <message>
        <location filename="../../plugins/metric.py" line="75" />
        <source>its data lies where {problem}; bring inputs that lie together</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/metric.py" line="85" />
        <source>Distances measured in {crs}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/metric.py" line="87" />
        <source>; inputs in {crss} were reprojected</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/metric.py" line="91" />
        <source>; not measured in {crs} because {why}; vector outputs are written back in {crs}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/metric.py" line="101" />
        <source>cannot be measured in metres: {problem}; reproject it to a local metric CRS such as {crs}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/metric.py" line="108" />
        <source>the local UTM zone</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>MovePointTool</name>
    <message>
        <location filename="../canvas/tools/editing.py" line="71" />
        <source>Toggle Editing on a point layer first</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>OpenStreetMap</name>
    <message>
        <location filename="../../layers/io/osm.py" line="348" />
        <source>existing mobile sites read from {tags}; status set to 'active'</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>Processing</name>
    <message>
        <location filename="../processing/install.py" line="66" />
        <source>&amp;Toolbox</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../processing/install.py" line="69" />
        <source>&amp;History</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../processing/install.py" line="71" />
        <source>&amp;Results</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../processing/install.py" line="72" />
        <source>The tables of the last run, or of a run chosen in the History</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>ProjectFile</name>
    <message>
        <location filename="../../layers/project_file.py" line="80" />
        <source>cannot be saved, because Lamplight would not open the result: {problem}; the previous file is unchanged</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/project_file.py" line="183" />
        <source>{problem}; the layer was skipped</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/project_file.py" line="214" />
        <source>is not a Lamplight project file (unknown format)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/project_file.py" line="217" />
        <source>was made by a newer Lamplight (format version {version}; this one reads up to {supported}); update Lamplight to open it</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/project_file.py" line="222" />
        <source>project.json cannot be used: {problem}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/project_file.py" line="375" />
        <source>is neither a GeoPackage (.gpkg) nor a GeoTIFF (.tif) project member</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>ProjectPropertiesDialog</name>
    <message>
        <location filename="../dialogs/project_properties.py" line="208" />
        <source>Project Properties</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/project_properties.py" line="213" />
        <source>Estimating the local metric CRS from the project's data…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/project_properties.py" line="215" />
        <source>Use Recommended</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/project_properties.py" line="223" />
        <source>Title</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/project_properties.py" line="224" />
        <source>Project CRS</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/project_properties.py" line="228" />
        <source>Recommended</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/project_properties.py" line="234" />
        <source>Choose the project CRS (the map is drawn in it; layers keep their own):</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/project_properties.py" line="245" />
        <source>Add data to the project to get a recommendation.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/project_properties.py" line="247" />
        <source>{crs}: the local metric CRS for the project's data.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/project_properties.py" line="250" />
        <source>The current CRS does not measure true distances there ({why}); analyses measure in a local metric CRS instead.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/project_properties.py" line="266" />
        <source>none yet (set by the first data)</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>ProjectSchema</name>
    <message>
        <location filename="../../layers/basemap_schema.py" line="24" />
        <location filename="../../layers/project_schema.py" line="47" />
        <location filename="../../layers/scenarios.py" line="407" />
        <source>a text of at most {limit} characters</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/scenarios.py" line="408" />
        <source>a list of at most {limit} pole ids (texts)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/scenarios.py" line="417" />
        <source>a scenario (a group of settings)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/scenarios.py" line="422" />
        <source>a scenario id (a short text)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/scenarios.py" line="425" />
        <source>a list of at most {limit} run ids</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/scenarios.py" line="433" />
        <source>a list of at most {limit} scenarios</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="50" />
        <source>reading settings: x_field, y_field, sheet or crs</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="56" />
        <source>a sheet name or number</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="58" />
        <source>a coordinate system such as EPSG:32649</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="65" />
        <source>the path of the linked data file</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="75" />
        <source>a data file of the project, such as data/roads.gpkg</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="81" />
        <source>a layer entry (a group of settings)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="85" />
        <source>a layer id (a short text)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="88" />
        <source>empty or one of the layer kinds: {kinds}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/basemap_schema.py" line="59" />
        <location filename="../../layers/project_schema.py" line="89" />
        <source>true or false</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="91" />
        <source>a number from 0 to 1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="93" />
        <source>a style (a group of settings) or empty</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="96" />
        <source>layer details (a group of settings) or empty</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/basemap_schema.py" line="68" />
        <location filename="../../layers/basemap_schema.py" line="58" />
        <location filename="../../layers/project_schema.py" line="99" />
        <source>a list of at most {limit} texts</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="104" />
        <source>a run record or empty</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="109" />
        <source>where the layer's data is (a group of settings)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="112" />
        <source>'file' or 'embedded'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="122" />
        <source>a run record (a group of settings)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="136" />
        <location filename="../../layers/project_schema.py" line="133" />
        <location filename="../../layers/project_schema.py" line="127" />
        <source>a group of settings</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="130" />
        <source>a list of texts</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="142" />
        <location filename="../../layers/project_schema.py" line="140" />
        <source>a whole number, 0 or more</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="145" />
        <source>a table with columns and data</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="154" />
        <source>a group of project settings</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="158" />
        <source>'lamplight-project'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="160" />
        <source>a format version number such as 1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/basemap_schema.py" line="29" />
        <location filename="../../layers/project_schema.py" line="167" />
        <source>a coordinate (a finite number)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="168" />
        <source>4 numbers: west, south, east, north</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="172" />
        <source>a list of at most {limit} layer entries</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/project_schema.py" line="174" />
        <source>a list of at most {limit} run records</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/basemap_schema.py" line="34" />
        <source>a whole number, 1 or more</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/basemap_schema.py" line="39" />
        <source>a tile matrix: id, resolution, left, top, tile width and height, matrix width and height</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/basemap_schema.py" line="43" />
        <source>a number above 0</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/basemap_schema.py" line="49" />
        <source>'xyz', 'wms', 'wmts' or 'stack'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/basemap_schema.py" line="52" />
        <source>a web address (http or https) of at most {limit} characters</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/basemap_schema.py" line="56" />
        <source>a whole number from 0 to 30</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/basemap_schema.py" line="61" />
        <source>the name of a key setting (letters, digits)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/basemap_schema.py" line="63" />
        <source>a query parameter name (letters, digits)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/basemap_schema.py" line="73" />
        <source>a list of at most {limit} tile matrices</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/basemap_schema.py" line="83" />
        <source>a basemap (a group of settings)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/basemap_schema.py" line="103" />
        <location filename="../../layers/basemap_schema.py" line="91" />
        <source>a list of at most {limit} basemaps</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/basemap_schema.py" line="99" />
        <source>basemap settings (a group of settings)</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>ProjectSession</name>
    <message>
        <location filename="../window/project_session.py" line="106" />
        <source>the project has never been saved; choose a file name</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../window/project_session.py" line="133" />
        <source>Autosave failed: {error}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../window/project_session.py" line="134" />
        <source>Autosaved a copy to {path}</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>Relaxation</name>
    <message>
        <location filename="../../plugins/siting/relaxation.py" line="139" />
        <source>root LP</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/siting/relaxation.py" line="154" />
        <source>cut rounds</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/siting/relaxation.py" line="202" />
        <source>saturation test</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/siting/relaxation.py" line="238" />
        <source>covering LP</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>RfProfileDialog</name>
    <message>
        <location filename="../dialogs/rf_profile.py" line="117" />
        <location filename="../dialogs/rf_profile.py" line="36" />
        <source>RF Profile</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="38" />
        <source>Carrier frequency</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="38" />
        <source>Channel bandwidth</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="39" />
        <source>Subcarrier spacing</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="40" />
        <source>Micro (lamp pole): transmit power</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="41" />
        <source>Micro: antenna gain</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="41" />
        <source>Micro: antenna</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="42" />
        <source>Micro: downtilt</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="42" />
        <source>Micro: antenna height</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="43" />
        <source>Macro (existing site): transmit power</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="44" />
        <source>Macro: antenna gain</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="44" />
        <source>Macro: antenna</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="45" />
        <source>Macro: downtilt</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="45" />
        <source>Macro: antenna height</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="46" />
        <source>Sector beamwidth</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="46" />
        <source>Receiver height (≥ 1.5 m)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="47" />
        <source>Receiver noise figure</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="47" />
        <source>RSRP threshold</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="48" />
        <source>SINR threshold</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="49" />
        <source>Cell-edge location probability</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="50" />
        <source>Shadow fading σ, UMi LOS</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="51" />
        <source>Shadow fading σ, UMi NLOS</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="52" />
        <source>Shadow fading σ, UMa LOS</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="53" />
        <source>Shadow fading σ, UMa NLOS</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="54" />
        <source>Indoor (O2I) loss</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="54" />
        <source>Load of interfering cells</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="55" />
        <source>Maximum link length</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="61" />
        <source>Profile name</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="83" />
        <source>Coverage, rf-mode siting and the statistics use these values unless a run's parameters override them. Sources of the defaults: docs/coverage_model.md.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../dialogs/rf_profile.py" line="86" />
        <source>Reset to defaults</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>RoadSnapper</name>
    <message>
        <location filename="../../layers/snapping.py" line="59" />
        <source>has no coordinate reference system, so distances in metres cannot be measured</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>ScenariosDock</name>
    <message>
        <location filename="../docks/scenarios.py" line="126" />
        <source>Scenario</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="127" />
        <source>Sites</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="128" />
        <source>Cost</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="129" />
        <source>People covered</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="130" />
        <source>People %</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="131" />
        <source>Residents %</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="132" />
        <source>Workers %</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="133" />
        <source>Schools %</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="134" />
        <source>Cost per 1,000 more people</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="135" />
        <source>Note</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="139" />
        <source>Scenarios</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="163" />
        <source>New from last run…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="163" />
        <source>A scenario of the last siting run and the decisions in force</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="165" />
        <source>Add Coverage Run</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="165" />
        <source>Add the last coverage run to the selected scenario: its residents, workers and schools covered show here</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="168" />
        <source>Rename…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="168" />
        <source>Rename the selected scenario</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="169" />
        <source>Delete</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="169" />
        <source>Delete the selected scenarios (Ctrl+Z brings them back)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="171" />
        <source>Compare…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="171" />
        <source>Two selected scenarios side by side: a map layer of the sites only in A, only in B and in both, a swipe between the two plans and a table</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="175" />
        <source>End Swipe</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="175" />
        <source>Remove the swipe divider from the map</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="186" />
        <source>Marginal cost relative to</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="239" />
        <source>{sites} sites; {locked} poles locked, {excluded} excluded; {runs} run(s)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="307" />
        <location filename="../docks/scenarios.py" line="292" />
        <source>Run a siting algorithm first: a scenario starts from its plan</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="295" />
        <source>{sites} sites, {method}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="300" />
        <location filename="../docks/scenarios.py" line="297" />
        <source>New Scenario</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="297" />
        <source>Name of the scenario:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="300" />
        <source>Note (optional):</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="317" />
        <source>Scenario “{name}”: {sites} sites</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="325" />
        <source>Select one scenario, after a coverage run of its sites</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="338" />
        <source>Rename Scenario</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="338" />
        <source>New name:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="357" />
        <source>Select two scenarios to compare</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../docks/scenarios.py" line="371" />
        <source>“{layer}”: {a} sites only in {name_a}, {b} only in {name_b}, {both} in both</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>SwipeView</name>
    <message>
        <location filename="../canvas/swipe.py" line="52" />
        <source>Drag to move the divider: {left} on the left, {right} on the right</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../canvas/swipe.py" line="53" />
        <source>left</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../canvas/swipe.py" line="53" />
        <source>right</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>Tables</name>
    <message>
        <location filename="../../layers/io/tabular.py" line="192" />
        <source>is gzip-compressed, not a text table: unpack it first</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/io/tabular.py" line="193" />
        <source>is a zip archive, not a text table (perhaps an Excel workbook: name it .xlsx; or zipped data: open the .zip)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/io/tabular.py" line="195" />
        <source>is a PDF document, not a table</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/io/tabular.py" line="196" />
        <source>is an SQLite database or GeoPackage, not a text table: name it .gpkg</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/io/tabular.py" line="208" />
        <source>holds a web page (HTML), not a table: the download probably failed</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/io/tabular.py" line="210" />
        <source>holds binary data, not a text table (it may be damaged or another format)</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>ToolboxDock</name>
    <message>
        <location filename="../processing/toolbox.py" line="30" />
        <source>Plugins that failed to load</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../processing/toolbox.py" line="57" />
        <source>Processing Toolbox</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../processing/toolbox.py" line="62" />
        <source>Search algorithms…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../processing/toolbox.py" line="95" />
        <source>{title} ({count})</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>WindowSearch</name>
    <message>
        <location filename="../../plugins/siting/window_search.py" line="229" />
        <source>window search</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>_ExportDialog</name>
    <message>
        <location filename="../export/dialogs.py" line="82" />
        <source>Export…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../export/dialogs.py" line="112" />
        <source>Saved to {path} — &lt;a href="{folder}"&gt;open the folder&lt;/a&gt;</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>decisions</name>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="66" />
        <source> and {n} more</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="84" />
        <source>layer '{layer}' has no pole with id {ids}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="86" />
        <source>{n} listed by id</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="101" />
        <source>layer '{layer}' has no field '{field}' (fields: {fields})</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="109" />
        <source>no pole of '{layer}' has {field} = {values} (values found: {found})</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="112" />
        <source>none</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="113" />
        <source>{n} with {field} = {values}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="134" />
        <source>layer '{layer}' has no phase field '{field}': give the selected sites of an earlier run</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="145" />
        <source>layer '{layer}' has no field 'pole_id' to match poles by id; match by location instead</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="155" />
        <source>by id</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="155" />
        <source>by location</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="156" />
        <source>{n} from layer '{layer}' ({how})</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="159" />
        <source>{n} of phases 1-{phases} of '{layer}' ({how})</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="174" />
        <source>{n} features of '{layer}' have no pole of '{poles}' within {d:g} m (features {rows})</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="207" />
        <source>the list of pole ids is empty</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="214" />
        <source>write FIELD=VALUE (e.g. decision=approved), got '{text}'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="220" />
        <source>no pole id in '{text}'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="229" />
        <source>pole ids (P1, P2) or FIELD=VALUE</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="257" />
        <source>{n} poles locked ({sources}): built in every plan, counted in k and the budget</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="261" />
        <source>{n} poles excluded ({sources})</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="264" />
        <source>; {n} more were not eligible anyway</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="299" />
        <source>poles both locked and excluded: {ids}; decide one way</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="306" />
        <source>{n} locked poles are not eligible: {poles}; unlock them or relax the rules</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="324" />
        <source>the locked poles leave nothing to choose: the plan is the locked poles</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="328" />
        <source>locked poles only</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="359" />
        <source>{n} poles are locked but only {k} sites are asked for; raise the number of sites or unlock poles</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="370" />
        <source>the {n} locked poles cost {cost:g}, over the budget of {budget:g}; raise the budget or unlock poles</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="397" />
        <source>no pole left after the exclusions covers any demand</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/siting/decisions.py" line="407" />
        <source>{out} of {total} demand is out of reach of every pole that is not excluded and is not counted in the target</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>expressions</name>
    <message>
        <location filename="../../layers/expressions/functions.py" line="46" />
        <source>{name}() needs numbers, got {kind}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/functions.py" line="53" />
        <source>{name}() needs a whole number from {low} to {high} here, got {value}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/functions.py" line="144" />
        <source>{name}() cannot read {value!r} as {what}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/functions.py" line="163" />
        <source>a whole number</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/functions.py" line="169" />
        <source>a number</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/evaluator.py" line="77" />
        <source>computed</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/evaluator.py" line="79" />
        <source>true/false field '{name}'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/evaluator.py" line="81" />
        <source>numeric field '{name}'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/evaluator.py" line="82" />
        <source>text field '{name}'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/evaluator.py" line="88" />
        <source>'{segment}' would make text of up to {characters:,} characters per value; at most {limit:,} are allowed</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/evaluator.py" line="95" />
        <source>'{segment}' would make {rows:,} rows x {characters:,} characters = {size:,} MB of text; at most {limit:,} MB are allowed</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/evaluator.py" line="102" />
        <source>would make {size:,} MB of text in all; at most {limit:,} MB are allowed</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/evaluator.py" line="111" />
        <source>{variable} needs a layer with geometry</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/evaluator.py" line="122" />
        <source>'{segment}' is not true/false; compare it with something</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/evaluator.py" line="132" />
        <source>the layer has several fields named '{name}'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="351" />
        <location filename="../../layers/expressions/parser.py" line="345" />
        <location filename="../../layers/expressions/evaluator.py" line="147" />
        <source>a list of values is only allowed after 'in'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/evaluator.py" line="192" />
        <source>'{op}' needs numbers, not text, in '{segment}'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/evaluator.py" line="238" />
        <source>'{segment}' cannot be computed ({reason})</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/evaluator.py" line="241" />
        <source> and </source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/evaluator.py" line="242" />
        <source>cannot combine {kinds} in '{segment}' ({reason})</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/lexer.py" line="40" />
        <source>is {length:,} characters long; at most {limit:,} are allowed</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/lexer.py" line="55" />
        <source>nests brackets more than {limit} deep</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="164" />
        <location filename="../../layers/expressions/lexer.py" line="60" />
        <source>unexpected {token!r}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/lexer.py" line="67" />
        <source>the bracket {bracket!r} is not closed</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/lexer.py" line="81" />
        <source>the field name in backticks is not closed</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/lexer.py" line="84" />
        <source>empty field name ``</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/lexer.py" line="89" />
        <source>unexpected '$'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/lexer.py" line="100" />
        <source>unexpected {char!r}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/lexer.py" line="123" />
        <source>the text starting with {quote} is not closed</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/__init__.py" line="83" />
        <source>an expression must be text</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/__init__.py" line="94" />
        <source>is too large or too deeply nested to compute here</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/__init__.py" line="97" />
        <source>cannot be computed: {reason}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/__init__.py" line="111" />
        <source>gives the value {value!r}, not true/false; add a comparison</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/__init__.py" line="117" />
        <source>gives numbers or text, not true/false; add a comparison such as '&gt; 0'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/__init__.py" line="141" />
        <source>unknown kind of column {kind!r}; one of integer, real, text, boolean</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/__init__.py" line="148" />
        <source>gives {value!r} (row {row}), not a whole number; use round() or to_int()</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="31" />
        <source>comprehensions are not allowed</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="32" />
        <source>lambdas are not allowed</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="33" />
        <source>'if ... else' is not allowed; use if(condition, value, otherwise)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="34" />
        <source>'else' is not allowed</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="35" />
        <source>imports are not allowed</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="149" />
        <source>has more than {limit:,} parts</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="200" />
        <location filename="../../layers/expressions/parser.py" line="153" />
        <source>nests operations more than {limit} deep</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="160" />
        <source>it ends too early</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="174" />
        <source>the expression is empty</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="187" />
        <source>methods are not allowed: {segment!r}; use a function such as upper(field)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="189" />
        <source>attribute lookups are not allowed: {segment!r}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="193" />
        <source>subscripts are not allowed: {segment!r}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="195" />
        <source>only the listed functions can be called: {segment!r}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="262" />
        <source>'is' is only allowed as 'is None' / 'IS NULL' or 'is not None' / 'IS NOT NULL'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="273" />
        <source>'{op}' needs a list of values such as ["a", "b"] or ('a', 'b'), got {segment!r}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="283" />
        <source>lists may hold only literal values, not {segment!r}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="330" />
        <source>unknown variable {name!r}; known: {known}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="361" />
        <source>unknown field "{name}"; did you mean "{field}"? (write text in single quotes: '{name}')</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="372" />
        <source>{token!r} is not a number</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="383" />
        <source>; did you mean '{name}'?</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="384" />
        <source> (fields: {fields})</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="385" />
        <source>unknown field '{name}'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="392" />
        <source>function calls are not allowed: {name!r} (only {known} can be called)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/expressions/parser.py" line="406" />
        <source>{name}() takes {expected} values, got {count}</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>gdal_open</name>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="79" />
        <source>is not a GeoPackage</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="80" />
        <source>it is not an SQLite database; the file may be damaged</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="81" />
        <source>is not a readable shapefile</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="82" />
        <source>it does not start like a shapefile; the file may be damaged</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="83" />
        <source>is not a readable GeoJSON file</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="84" />
        <source>it does not start like JSON; the file may be damaged</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="85" />
        <source>is not a readable raster file</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="86" />
        <source>it does not start like a TIFF image; the file may be damaged</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="95" />
        <source>it holds a GDAL virtual dataset (VRT), which makes GDAL read the other files or web addresses it names</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="98" />
        <source>it holds a GDAL streamed algorithm (.gdalg.json), which makes GDAL run commands on other files</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="101" />
        <source>it holds TopoJSON; convert it to GeoJSON first</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="103" />
        <source>it holds Esri JSON (ArcGIS); convert it to GeoJSON first</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="104" />
        <source>it holds XML or HTML</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="105" />
        <source>it holds JSON</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="106" />
        <source>it holds a JSON array</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="107" />
        <source>it holds an SQLite database</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="108" />
        <source>it holds a TIFF image</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="109" />
        <source>it holds a shapefile</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="110" />
        <source>it holds a zip archive</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="134" />
        <source>{refusal}: it is empty</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="136" />
        <source>{refusal} ({unknown})</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="139" />
        <source>{refusal}: its name says {name} but {content}; Lamplight opens a file only as the format its name says</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="152" />
        <source>is not a file on this computer; Lamplight reads only local files</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="157" />
        <source>the file does not exist</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="159" />
        <source>cannot be read ({error})</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="162" />
        <source>is not a regular file (a folder, device or pipe)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="184" />
        <source>its CRS is given as a link ({link}), which GDAL would fetch from the network or another file; Lamplight does not follow links in data files: give the CRS by name (e.g. EPSG:4326) or remove the crs member</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="207" />
        <source>its first bytes are not those of a TIFF image</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="208" />
        <source>its side file {side} is not what GDAL writes there: {content}; remove it or replace it</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/io/gdal_open.py" line="217" />
        <source>holds a file with an unsafe name ({member}); a zipped layer must be a plain file inside the archive</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>kinds</name>
    <message>
        <location filename="../../layers/kinds.py" line="210" />
        <source>terrain '{name}': values down to {low} m: check nodata (ground below sea level is possible, an undeclared no-data value is likelier)</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>layers.crs</name>
    <message>
        <location filename="../../layers/crs.py" line="50" />
        <source>({lon}, {lat}) is not a longitude/latitude</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/crs.py" line="118" />
        <source>no CRS is set</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/crs.py" line="120" />
        <source>{crs} is geographic: its units are degrees, not metres</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/crs.py" line="124" />
        <source>{crs} counts in {unit}, not metres</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/crs.py" line="129" />
        <source>{crs} is a Mercator projection: distances in it are off by {error:.1f} % here</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/crs.py" line="132" />
        <source>{crs} distorts distances by up to {error:.2f} % here (more than {limit:g} %)</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>layers.io</name>
    <message>
        <location filename="../../layers/io/__init__.py" line="101" />
        <source>the field mapping {name} is for kind '{mapped}', not '{kind}'</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/io/__init__.py" line="106" />
        <source>a field mapping applies to vector layers; '{layer}' is a raster</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>layers.io.finish</name>
    <message>
        <location filename="../../layers/io/finish.py" line="90" />
        <source>none</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/io/finish.py" line="91" />
        <source>has no geometry column: it is a table of attributes only (columns {columns}), not a map layer</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/io/finish.py" line="95" />
        <source>has no geometry: none of its {count} features has a shape or coordinates, so it is a table of attributes only, not a map layer</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>layers.io.postgis</name>
    <message>
        <location filename="../../layers/io/postgis.py" line="101" />
        <source>the connection to the database was lost ({reason}); check that the server is running and reachable, then try again</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/io/postgis.py" line="143" />
        <source>the database refused a request: {reason}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/io/postgis.py" line="244" />
        <source>the query would change the database ({reason}); reading runs read-only: give one SELECT</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/io/postgis.py" line="250" />
        <source>the query holds several statements; give exactly one SELECT (nothing was run)</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>layers.io.tabular</name>
    <message>
        <location filename="../../layers/io/tabular.py" line="83" />
        <source>the header repeats the column name(s) {repeated}; the repeats are read as {renamed} (as QGIS names them)</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>plugin_probe</name>
    <message>
        <location filename="../../plugins/plugin_probe.py" line="88" />
        <source>took longer than {seconds:g} s to load; skipped</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/plugin_probe.py" line="92" />
        <source>ended the Python process while loading; skipped</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>raster</name>
    <message>
        <location filename="../../layers/io/raster.py" line="30" />
        <source>the raster is stored bottom-up (south in the first row); its rows were flipped to north-up</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/io/raster.py" line="32" />
        <source>the raster is stored right-to-left (east in the first column); its columns were flipped to west-to-east</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/io/raster.py" line="44" />
        <source>its georeferencing holds values that are not numbers ({transform}); the file is damaged</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/io/raster.py" line="48" />
        <source>is rotated or sheared (its geotransform has rotation terms {b:g} and {d:g}); Lamplight needs a north-up raster: warp it first, e.g. gdalwarp</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/io/raster.py" line="52" />
        <source>has zero-size pixels (pixel width {a:g}, height {e:g}); its georeferencing is damaged</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../layers/io/raster.py" line="117" />
        <source>its values look like ground elevation (all above sea level, with relief): if it is a terrain model (DEM), set its kind to terrain</source>
        <translation type="unfinished" />
    </message>
</context><context>
    <name>terrain</name>
    <message>
        <location filename="../../plugins/coverage/terrain.py" line="55" />
        <source>has no coordinate reference system; set it before using it as terrain</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/coverage/terrain.py" line="59" />
        <source>is rotated or not north-up; warp it to a north-up grid first</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/coverage/terrain.py" line="107" />
        <source>does not cover the study area ({left:.0f}, {bottom:.0f}) - ({right:.0f}, {top:.0f}) in {crs}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/coverage/terrain.py" line="119" />
        <source>terrain '{name}' has no data under {share:.1%} of the study area: those cells take the elevation of the nearest cell with data</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/coverage/terrain.py" line="126" />
        <source>the DSM lies more than {limit:g} m below terrain '{name}' on {share:.1%} of the cells (down to {low:.1f} m): check that both use the same vertical datum; read as open ground</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../plugins/coverage/terrain.py" line="134" />
        <source>terrain '{name}' ({crs}, {cell:g} {unit} cells) resampled bilinearly to the {res:g} m obstruction grid; antenna and receiver heights are above the local ground</source>
        <translation type="unfinished" />
    </message>
</context></TS>
