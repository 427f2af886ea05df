<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
    <context>
        <name>CountsPanel</name>
        <message>
            <location filename="../ui/panels/counts.ui" line="11" />
            <source>Period</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/counts.ui" line="17" />
            <source>Counts by</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/counts.ui" line="23" />
            <source>Within</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/counts.ui" line="29" />
            <source>Category</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>DatasetsPanel</name>
        <message>
            <location filename="../ui/panels/datasets.ui" line="5" />
            <source>Datasets your organisation may see</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/datasets.ui" line="15" />
            <source>Only what your organisation's data sharing agreement allows.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/datasets.ui" line="22" />
            <source>Ask the store again which datasets your organisation may see</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>PrintWardMapsDialog</name>
        <message>
            <location filename="../ui/print_dialog.ui" line="6" />
            <source>Print ward maps</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/print_dialog.ui" line="10" />
            <source>Areas (one page each)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/print_dialog.ui" line="12" />
            <source>Boundary layer</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/print_dialog.ui" line="13" />
            <source>Any polygon layer: wards, LSOAs, estates, patrol areas (any CRS)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/print_dialog.ui" line="14" />
            <source>Name field</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/print_dialog.ui" line="15" />
            <source>Printed in each page's title</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/print_dialog.ui" line="16" />
            <source>Selected areas only</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/print_dialog.ui" line="17" />
            <source>Add the store's ward boundaries</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/print_dialog.ui" line="17" />
            <source>No ward file of your own? Adds London's boroughs and wards from the SafeStats store as reference layers and picks the wards here</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/print_dialog.ui" line="23" />
            <source>Incidents</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/print_dialog.ui" line="25" />
            <source>Layer</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/print_dialog.ui" line="26" />
            <source>A loaded SafeStats layer: its dataset, date range and filters are printed as loaded</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/print_dialog.ui" line="27" />
            <source>Style</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/print_dialog.ui" line="29" />
            <source>Suppress counts below</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/print_dialog.ui" line="30" />
            <source>Ward counts below this print as "&lt;5" and those wards show no incidents</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/print_dialog.ui" line="36" />
            <source>Pages</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/print_dialog.ui" line="38" />
            <source>Title</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/print_dialog.ui" line="40" />
            <source>Paper</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/print_dialog.ui" line="42" />
            <source>Also one PDF per ward (all into a folder)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/print_dialog.ui" line="43" />
            <source>Save to</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/print_dialog.ui" line="51" />
            <source>Printed maps carry the protective marking and the line "for crime prevention and reduction only; not for enforcement". Keep printed copies as securely as the data.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>SafeStats</name>
        <message>
            <location filename="../governance/conditions.py" line="27" />
            <source>Read the conditions of use and tick that you accept them. They must be accepted at every sign-in.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../governance/conditions.py" line="46" />
            <source>Choose the purpose of your work from the list before signing in.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../governance/conditions.py" line="48" />
            <location filename="../providers/errors.py" line="94" />
            <source>SafeStats data may be used only for preventing and reducing crime and harm, never for enforcement or prosecution. Choose one of the listed purposes.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../governance/conditions.py" line="52" />
            <source>That purpose is not one the SafeStats store accepts. Choose one of the listed purposes.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../governance/conditions.py" line="62" />
            <source>The conditions of use have changed since you read them. Read the new version and accept it to sign in.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../governance/export_guard.py" line="33" />
            <source>You saved SafeStats data ({0}, {1}) outside SafeStats, to {2}. This export has been recorded in your audit log. Keep the file only as long as your work needs it, store it securely, do not share it outside your organisation, and use it only for preventing and reducing crime and harm, never for enforcement or prosecution.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../plugin.py" line="56" />
            <source>Sign in to SafeStats…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../plugin.py" line="57" />
            <source>Sign out of SafeStats</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../plugin.py" line="61" />
            <source>SafeStats panel</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../plugin.py" line="67" />
            <source>Print ward maps…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../plugin.py" line="68" />
            <source>Add borough and ward boundaries</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../plugin.py" line="72" />
            <source>Personal access token…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../plugin.py" line="193" />
            <source>SafeStats export</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../plugin.py" line="200" />
            <source>{0} ({1})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../plugin.py" line="201" />
            <source>Signed in as {0}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../plugin.py" line="209" />
            <source>Signed out. Downloaded SafeStats data was removed from this computer.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/base.py" line="23" />
            <source>SafeStats data is for crime prevention and reduction only; not for enforcement or prosecution.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/base.py" line="29" />
            <source>&lt;p&gt;&lt;b&gt;Small-number suppression.&lt;/b&gt; Counts from 1 to one less than the threshold (default {0}) are not shown: the count is empty (NULL, never 0). So that no hidden count can be worked out, or narrowed to fewer than {0} possible values, from the shown counts and totals, each one is hidden with three more cells that form a rectangle with it (same area, same category or month, and a total where needed). Every hidden cell reads “*” and its &lt;i&gt;suppressed&lt;/i&gt; field “suppressed”, whatever the reason it is hidden. A zero is shown as 0 unless it is hidden to protect another cell, so “*” never says that a count is above 0. Rates are withheld with their counts.&lt;/p&gt;</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/base.py" line="45" />
            <source>Analysis</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/base.py" line="144" />
            <source>The client audit log could not be written: {0}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/base.py" line="257" />
            <source>Feature id in the input</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/base.py" line="276" />
            <source>A row could not be written to the output ({0} written before it): {1}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/base.py" line="276" />
            <source>the output gave no reason</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/common.py" line="20" />
            <source>Suppress counts below (small-number threshold; at least {0})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/common.py" line="27" />
            <source>Incidents (points, e.g. a SafeStats layer)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/common.py" line="32" />
            <source>Areas (any polygon layer: wards, LSOAs, estates, patrol areas; any CRS)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/common.py" line="39" />
            <source>Incident date/time field</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/common.py" line="56" />
            <source>The incidents layer has no field “{0}” ({1}).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/common.py" line="61" />
            <source>Choose the {0} field of the incidents layer.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/compare_periods.py" line="24" />
            <source>Compare periods</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/compare_periods.py" line="34" />
            <source>&lt;p&gt;Counts incidents in each polygon in two periods — A (e.g. last year) and B (e.g. this year) — and the change from A to B. Periods are whole days in London time, both ends included; the incidents layer must cover both (load it with a date range spanning them).&lt;/p&gt;&lt;p&gt;Output fields: &lt;i&gt;count_a&lt;/i&gt;, &lt;i&gt;count_b&lt;/i&gt; and their printed labels, &lt;i&gt;change&lt;/i&gt;, &lt;i&gt;change_pct&lt;/i&gt; (percent of A), &lt;i&gt;change_label&lt;/i&gt; and &lt;i&gt;suppressed&lt;/i&gt;.&lt;/p&gt;&lt;p&gt;The change is withheld whenever either count is suppressed: otherwise the change and the shown count would give the hidden count back.&lt;/p&gt;</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/compare_periods.py" line="47" />
            <source>Period A: from date</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/compare_periods.py" line="47" />
            <source>Period A: to date</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/compare_periods.py" line="47" />
            <source>Period B: from date</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/compare_periods.py" line="47" />
            <source>Period B: to date</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/compare_periods.py" line="53" />
            <source>Change between periods</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/compare_periods.py" line="59" />
            <source>Enter a date for “{0}”.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/compare_periods.py" line="73" />
            <source>A period's “from” date ({0}) is after its “to” date ({1}).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/compare_periods.py" line="94" />
            <source>Incidents in period A ({0} to {1})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/compare_periods.py" line="95" />
            <source>Period A (as printed)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/compare_periods.py" line="96" />
            <source>Incidents in period B ({0} to {1})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/compare_periods.py" line="97" />
            <source>Period B (as printed)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/compare_periods.py" line="98" />
            <source>Change A to B</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/compare_periods.py" line="99" />
            <source>Change A to B (% of A)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/compare_periods.py" line="100" />
            <source>Change (as printed)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/compare_periods.py" line="117" />
            <source>{0} areas; period A {1} to {2}; period B {3} to {4}; threshold {5}; {6} primary and {7} secondary suppressed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/count_in_polygons.py" line="22" />
            <source>Count incidents in polygons</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/count_in_polygons.py" line="35" />
            <source>&lt;p&gt;Counts incidents (points) in each polygon of any area layer — wards, LSOAs, estates, patrol areas — in any CRS. A point on a shared boundary counts in every area it touches.&lt;/p&gt;&lt;p&gt;Optionally split the counts by category (e.g. crime type) and/or by calendar month (London time). The output has one feature per area, or, when split, one per area and category/month plus an “All” feature with the area's total. Fields: &lt;i&gt;category&lt;/i&gt;, &lt;i&gt;month&lt;/i&gt;, &lt;i&gt;incidents&lt;/i&gt; (the count), &lt;i&gt;incidents_label&lt;/i&gt; (what to print), &lt;i&gt;suppressed&lt;/i&gt; (“suppressed” or empty).&lt;/p&gt;&lt;p&gt;With a &lt;b&gt;population field&lt;/b&gt; of the area layer, &lt;i&gt;rate_per_1000&lt;/i&gt; is incidents per 1,000 people.&lt;/p&gt;</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/count_in_polygons.py" line="49" />
            <source>Split by category</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/count_in_polygons.py" line="50" />
            <source>Category field (default: the dataset's category field)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/count_in_polygons.py" line="53" />
            <source>Split by month</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/count_in_polygons.py" line="55" />
            <source>Population field of the areas (for a rate per 1,000)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/count_in_polygons.py" line="77" />
            <source>date/time</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/count_in_polygons.py" line="109" />
            <source>Category</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/count_in_polygons.py" line="111" />
            <source>Month</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/count_in_polygons.py" line="116" />
            <source>Incidents per 1,000 people</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/count_in_polygons.py" line="144" />
            <source>{0} incidents read; {1} cells suppressed below {2} and {3} more to protect them.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/count_in_polygons.py" line="146" />
            <source>category</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/count_in_polygons.py" line="146" />
            <source>month</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/count_in_polygons.py" line="147" />
            <source>{0} areas; split: {1}; threshold {2}; {3} primary and {4} secondary suppressed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/count_in_polygons.py" line="147" />
            <source>none</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/hotspots.py" line="39" />
            <source>QGIS's “Heatmap (Kernel Density Estimation)” algorithm is not available. Enable the Processing plugin (Plugins &gt; Manage and Install Plugins) and try again.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/hotspots.py" line="49" />
            <source>The density raster could not be opened for disclosure control.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/hotspots.py" line="67" />
            <source>Hotspots</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/hotspots.py" line="77" />
            <source>Choose an incidents layer.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/hotspots.py" line="93" />
            <source>Hotspots (kernel density)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/hotspots.py" line="99" />
            <source>&lt;p&gt;A kernel density (heatmap) raster of incidents in British National Grid metres, for a printed hotspot map. Uses QGIS's “Heatmap (Kernel Density Estimation)” with a quartic kernel and raw values, so a cell's value is a weighted number of incidents within the radius.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Disclosure control&lt;/b&gt;: each incident adds at most 1 to a cell, so cells below the threshold (default 5) are set to no-data. Every visible cell has at least that many incidents within the radius; a single incident never shows as its own hotspot.&lt;/p&gt;&lt;p&gt;Radius 250–500 m and pixels of 10–25 m suit a ward or borough map.&lt;/p&gt;</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/hotspots.py" line="110" />
            <source>Radius (metres)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/hotspots.py" line="112" />
            <source>Pixel size (metres)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/hotspots.py" line="116" />
            <source>Hotspot density</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/hotspots.py" line="128" />
            <source>Fewer than {0} incidents: there is no hotspot map that would not show individual incidents.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/hotspots.py" line="132" />
            <source>Reprojecting incidents to EPSG:27700</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/hotspots.py" line="144" />
            <source>Fewer than {0} incidents in that extent: there is no hotspot map that would not show individual incidents.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/hotspots.py" line="147" />
            <source>Kernel density</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/hotspots.py" line="153" />
            <source>{0} cells kept; {1} cells with fewer than {2} incidents in reach left blank.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/hotspots.py" line="155" />
            <source>kernel density, radius {0} m, pixel {1} m, threshold {2}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/hotspots.py" line="164" />
            <source>Hotspots (hexagon counts)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/hotspots.py" line="169" />
            <source>&lt;p&gt;Counts incidents in a regular grid of hexagons (EPSG:27700) — an even-handed alternative to a heatmap for printed maps. &lt;b&gt;Size&lt;/b&gt; is the hexagon's width across flats in metres. Only hexagons with incidents are written; an optional &lt;b&gt;extent&lt;/b&gt; limits the grid.&lt;/p&gt;&lt;p&gt;Fields: &lt;i&gt;incidents&lt;/i&gt;, &lt;i&gt;incidents_label&lt;/i&gt;, &lt;i&gt;suppressed&lt;/i&gt;.&lt;/p&gt;</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/hotspots.py" line="177" />
            <source>Hexagon size (metres across)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/hotspots.py" line="179" />
            <source>Only this extent</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/hotspots.py" line="181" />
            <source>Hexagon counts</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/hotspots.py" line="205" />
            <source>Suppressed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/hotspots.py" line="205" />
            <source>Incidents (as printed)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/hotspots.py" line="217" />
            <source>{0} incidents in {1} hexagons; {2} suppressed below {3} and {4} more to protect them.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/hotspots.py" line="219" />
            <source>hexagons {0} m, threshold {1}; {2} primary and {3} secondary suppressed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/load_counts.py" line="32" />
            <source>Counts-only data is a fixed table: one period (a calendar month YYYY-MM or a financial year FYyyyy, e.g. FY2025 = April 2025 to March 2026), boroughs, wards or hexagons of 500, 1000 or 2000 m (optionally within one borough, given as its E09 code) and at most one category.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/load_counts.py" line="41" />
            <source>Load counts (counts-only datasets)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/load_counts.py" line="54" />
            <source>&lt;p&gt;Loads counts per area of a dataset your organisation's agreement gives as &lt;b&gt;counts only&lt;/b&gt;, as a polygon layer (fields &lt;i&gt;code&lt;/i&gt;, &lt;i&gt;name&lt;/i&gt;, &lt;i&gt;count&lt;/i&gt;, &lt;i&gt;suppressed&lt;/i&gt;).&lt;/p&gt;&lt;p&gt;{0}&lt;/p&gt;&lt;p&gt;The values are published with cell-key perturbation: each is moved by a small random amount (the same every time), counts below 5 are suppressed and the rest rounded to 5. Totals need not add up. Each run is recorded in your client audit log.&lt;/p&gt;</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/load_counts.py" line="66" />
            <source>Period (YYYY-MM or FYyyyy; empty = the latest month)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/load_counts.py" line="68" />
            <source>Counts by</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/load_counts.py" line="70" />
            <source>Only within this borough (E09 code; empty = your whole agreement area)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/load_counts.py" line="73" />
            <source>One category (empty = all)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/load_counts.py" line="75" />
            <source>Counts</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/load_counts.py" line="77" />
            <source>Number of areas</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/load_counts.py" line="99" />
            <source>Your organisation's agreement gives individual records of {0}: use “Load incidents” and count them with “Count incidents in polygons”.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/load_counts.py" line="104" />
            <source>“{0}” is not a period you may ask for. {1} Available: {2}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/load_incidents.py" line="29" />
            <source>You are not signed in to SafeStats. Sign in from the SafeStats toolbar (accepting the conditions of use and choosing your purpose), then run this algorithm again.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/load_incidents.py" line="57" />
            <source>Load incidents</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/load_incidents.py" line="58" />
            <source>Data</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/load_incidents.py" line="71" />
            <source>&lt;p&gt;Loads incident records from the SafeStats store you are signed in to, with the same filters as the SafeStats panel, as a point layer in British National Grid (EPSG:27700).&lt;/p&gt;&lt;p&gt;&lt;b&gt;Dataset&lt;/b&gt;: one of the SafeStats datasets (mps_crime, colp_crime, btp_crime, las_incidents, lfb_incidents, istv_assaults, tfl_bus_incidents, rnli_launches); your organisation's data sharing agreement decides which you may load, which fields you see, the area and how far back.&lt;/p&gt;&lt;p&gt;&lt;b&gt;From / to date&lt;/b&gt;: whole days in London time, both included; leave empty for all dates.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Categories&lt;/b&gt;: values of the dataset's category field (e.g. crime type), one per line or separated by “|”; empty for all.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Area layer&lt;/b&gt; (any polygon layer, any CRS; tick “Selected features only” to use a selection) and/or &lt;b&gt;extent&lt;/b&gt;: only incidents inside.&lt;/p&gt;&lt;p&gt;You must be signed in: the algorithm is refused otherwise. Each run is recorded in your client audit log (dataset, filter, purpose and row count — never the records). If you save the output to a file, keep it only as long as your work needs it.&lt;/p&gt;</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/load_incidents.py" line="87" />
            <source>Dataset</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/load_incidents.py" line="90" />
            <source>From date (London time, included)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/load_incidents.py" line="93" />
            <source>To date (London time, included)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/load_incidents.py" line="96" />
            <source>Categories (one per line, or separated by |)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/load_incidents.py" line="99" />
            <source>Only incidents inside these polygons</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/load_incidents.py" line="102" />
            <source>Only incidents inside this extent</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/load_incidents.py" line="104" />
            <source>Incidents</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/load_incidents.py" line="106" />
            <source>Number of incidents loaded</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/load_incidents.py" line="130" />
            <source>{0} polygon(s) of {1}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/load_incidents.py" line="130" />
            <source>the area layer</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/load_incidents.py" line="136" />
            <source>Extent</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/load_incidents.py" line="148" />
            <source>The “from” date is after the “to” date.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/load_incidents.py" line="159" />
            <source>The dataset {0} has no category field to filter on.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/load_incidents.py" line="162" />
            <source>Not categories of {0} ({1}): {2}. Choose from: {3}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/algorithms/load_incidents.py" line="169" />
            <source>Loading {0}: {1}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../processing_provider/provider.py" line="28" />
            <source>SafeStats community safety data</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/area.py" line="50" />
            <source>Choose at least one polygon (an area), not points or lines.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/area.py" line="68" />
            <source>The area is too detailed to send. Choose fewer or simpler polygons.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/area.py" line="75" />
            <source>“{0}” is not a polygon layer. Pick a layer of areas.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/area.py" line="78" />
            <source>No features are selected in “{0}”. Select one or more areas first.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/client.py" line="78" />
            <source>Your SafeStats session has ended. Sign in again.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/counts_loader.py" line="48" />
            <source>Counts are published with cell-key perturbation: each value is moved by a small random amount (the same every time), counts below {0} are suppressed and the rest are rounded to the nearest {1}. Totals need not add up to the sum of their parts.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/counts_loader.py" line="69" />
            <source>{0} — {1} by {2} (perturbed, rounded)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/counts_loader.py" line="71" />
            <source>{0} — counts by {1}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/counts_loader.py" line="85" />
            <source>Suppressed (fewer than {0} after perturbation)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/daterange.py" line="72" />
            <source>Last month</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/daterange.py" line="73" />
            <source>Last 12 months</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/daterange.py" line="74" />
            <source>This financial year</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/daterange.py" line="75" />
            <source>Last financial year</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/errors.py" line="21" />
            <source>Something went wrong while talking to the SafeStats store.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/errors.py" line="38" />
            <source>The username or password is not right. Check both and try again; after several wrong attempts the account is locked for a while.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/errors.py" line="46" />
            <source>This account has a second factor. Enter the 6-digit code from your authenticator app and sign in again.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/errors.py" line="54" />
            <source>The 6-digit code was not right or has expired. Enter the current code from your authenticator app.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/errors.py" line="80" />
            <source>You must read and accept the current conditions of use, and choose the purpose of your work, every time you sign in.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/errors.py" line="102" />
            <source>Your organisation has no active data sharing agreement with SafeStats (it has expired or been suspended), so you cannot see any data. Ask your organisation's SafeStats lead or the GLA SafeStats team to renew it.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/errors.py" line="114" />
            <source>You are not signed in to SafeStats (or your session has ended). Sign in again.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/errors.py" line="121" />
            <source>Your SafeStats session has expired. Sign in again.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/errors.py" line="128" />
            <source>Your role does not allow this. Ask your organisation's SafeStats administrator.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/errors.py" line="138" />
            <source>This dataset is not available to your organisation (or no longer exists). Refresh the dataset list and pick another one.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/errors.py" line="146" />
            <source>Your organisation's agreement allows only counts for this dataset, not individual records. Counts come from a fixed table: in the SafeStats panel choose a period (a calendar month or a financial year), areas (boroughs, wards or hexagons of 500, 1000 or 2000 m, optionally within one borough) and at most one category. Free dates, days, hours and drawn areas are not available.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/errors.py" line="278" />
            <location filename="../providers/errors.py" line="156" />
            <source>The store did not accept this filter. Check the dates, categories and area.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/errors.py" line="163" />
            <source>The SafeStats store had a problem answering. Try again in a few minutes; if it keeps happening, tell the GLA SafeStats team.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/errors.py" line="174" />
            <source>The SafeStats store cannot be reached. Check the store address, that you are connected to the network (or VPN), and try again.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/errors.py" line="182" />
            <source>A secure (TLS) connection to the SafeStats store could not be made: its certificate is not trusted. If your organisation inspects HTTPS traffic, ask IT to add its root certificate in QGIS (Settings &gt; Options &gt; Authentication &gt; Certificate Manager); otherwise check the store address.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/errors.py" line="192" />
            <source>The network proxy refused or failed the connection to the SafeStats store. Check the proxy settings in QGIS (Settings &gt; Options &gt; Network), including the proxy user name and password, or ask your IT team.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/errors.py" line="201" />
            <source>The download from the SafeStats store stopped before it was complete, so nothing was loaded. Try again.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/errors.py" line="209" />
            <source>Loading was cancelled. Nothing was added to the map.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/errors.py" line="216" />
            <source>The SafeStats store sent an answer the plugin does not understand. Check the store address, or update the plugin.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/errors.py" line="226" />
            <source>The SafeStats client audit log could not be written, so this data access is not recorded on this computer. Tell your SafeStats administrator; details are in the SafeStats log tab.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/errors.py" line="278" />
            <source>The store did not accept this filter: {0}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/hexbin.py" line="83" />
            <source>Hexagon binning cancelled</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/hexbin.py" line="97" />
            <source>{0} · hexagons {1} m (whole loaded period)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/hexbin.py" line="123" />
            <source>Could not write the hexagon cells: {0}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/hexbin.py" line="129" />
            <source>Fewer than {0}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/hexbin.py" line="177" />
            <source>Binning {0} into hexagons</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/http.py" line="114" />
            <source>The store address redirects elsewhere ({0}).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/http.py" line="114" />
            <source>The store address redirects elsewhere.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/http.py" line="116" />
            <source>Check the store URL (for example https:// instead of http://) and use the address your SafeStats team gave you.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/http.py" line="128" />
            <source>The SafeStats store at {0} did not answer in time. Try again; if it keeps happening, raise the network timeout in QGIS (Settings &gt; Options &gt; Network) or check your connection.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/http.py" line="139" />
            <source>The SafeStats store could not be reached through the network proxy {0} set in QGIS. Check the proxy settings (Settings &gt; Options &gt; Network) or ask your IT team; if you should not use a proxy for this address, add it to the proxy exclusions.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/http.py" line="144" />
            <source>The store address {0} could not be found. Check the spelling of the store URL and that you are connected to the network (or VPN).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/http.py" line="148" />
            <source>Nothing answered at {0}: the SafeStats store may be down or the address/port is wrong. Check the store URL, or try again later.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/http.py" line="178" />
            <source>The store address must start with https:// (or http:// for a store on this computer), for example https://safestats.london.gov.uk.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/http.py" line="314" />
            <source>The SafeStats store is not answering just now (the server in front of it said {0}). Try again in a few minutes.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/http.py" line="372" />
            <source>The download could not be written to disk ({0}). Free some disk space and try again.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/layers.py" line="61" />
            <source>This layer was not loaded from SafeStats, so it cannot be refreshed.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/layers.py" line="65" />
            <source>The SafeStats query stored in this layer cannot be read. Load the data again from the SafeStats panel.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/layers.py" line="83" />
            <source>The downloaded file could not be opened. Try loading again.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/layers.py" line="317" />
            <source>The downloaded file could not be opened. Try again.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/load_task.py" line="118" />
            <source>You signed out before the data arrived, so nothing was loaded.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/load_task.py" line="165" />
            <source>The layer was removed before its data arrived; nothing was loaded.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/load_task.py" line="291" />
            <source>“{0}” came from the SafeStats store at {1}, but you are signed in to {2}. Sign in to {1} to refresh it.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/tokens_dialog.py" line="111" />
            <location filename="../providers/messages.py" line="35" />
            <source>SafeStats</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/signin_dialog.py" line="182" />
            <location filename="../providers/messages.py" line="35" />
            <source>Conditions of use</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/messages.py" line="35" />
            <source>Sign-in failed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/messages.py" line="35" />
            <source>Second factor needed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/messages.py" line="35" />
            <source>Account locked</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/messages.py" line="35" />
            <source>Purpose not permitted</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/messages.py" line="35" />
            <source>No data sharing agreement</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/messages.py" line="35" />
            <source>Session expired</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/messages.py" line="35" />
            <source>Not signed in</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/messages.py" line="35" />
            <source>Not allowed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/messages.py" line="35" />
            <source>Dataset not available</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/messages.py" line="35" />
            <source>Counts only</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/messages.py" line="35" />
            <source>Filter not accepted</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/messages.py" line="35" />
            <source>Secure connection failed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/messages.py" line="35" />
            <source>Proxy problem</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/messages.py" line="35" />
            <source>Store unreachable</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/messages.py" line="35" />
            <source>Download incomplete</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/messages.py" line="35" />
            <source>Cancelled</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/messages.py" line="35" />
            <source>Unexpected answer</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/messages.py" line="35" />
            <source>Audit log not written</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/messages.py" line="35" />
            <source>Store problem</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/messages.py" line="62" />
            <source>Check the filter</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/messages.py" line="63" />
            <source>File problem</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/messages.py" line="63" />
            <source>SafeStats could not read or write a file: {error}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/messages.py" line="78" />
            <source>SafeStats error</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/messages.py" line="78" />
            <source>Something unexpected went wrong in the SafeStats plugin. Details are in the SafeStats tab of the Log Messages panel; please report them to the SafeStats team.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/models.py" line="139" />
            <source>counts only (no individual records)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/models.py" line="139" />
            <source>individual records</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/models.py" line="140" />
            <source>area: {0}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/models.py" line="140" />
            <source>area: restricted</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/models.py" line="140" />
            <source>area: London-wide</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/models.py" line="142" />
            <source>history from {0}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/models.py" line="142" />
            <source>full history</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/models.py" line="144" />
            <source>some fields withheld (you get: {0})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/models.py" line="144" />
            <source>some fields withheld</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/models.py" line="147" />
            <source>all fields</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/models.py" line="267" />
            <source>empty bounding box</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/models.py" line="281" />
            <source>no borough or ward chosen</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/models.py" line="284" />
            <source>not a GSS code: {0!r}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/models.py" line="297" />
            <source>area must be a POLYGON or MULTIPOLYGON in WKT</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/models.py" line="357" />
            <source>the start of the date range is after its end</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/models.py" line="359" />
            <source>days of week are ISO numbers 1 (Monday) to 7 (Sunday)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/models.py" line="361" />
            <source>hours are 0 to 23</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/models.py" line="565" />
            <source>area unit must be one of {0}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/models.py" line="568" />
            <source>hexagon size must be one of {0} m</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/models.py" line="572" />
            <source>within must be a borough's GSS code (E09…), not {0!r}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/models.py" line="574" />
            <source>a map of boroughs cannot be limited to one borough</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/models.py" line="636" />
            <source>this query was saved by a newer SafeStats plugin</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/print_job.py" line="52" />
            <source>For crime prevention and reduction only; not for enforcement.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/print_job.py" line="143" />
            <source>start</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/print_job.py" line="144" />
            <source>now</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/print_job.py" line="164" />
            <source>The boundary layer has no field “{0}”.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/print_job.py" line="170" />
            <source>The boundary layer has no areas to print.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/print_job.py" line="234" />
            <source>The incident layer “{0}” could not be opened for printing.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/print_job.py" line="287" />
            <source>not shown (see the note)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/print_job.py" line="292" />
            <source>Note: a ward with fewer than {0} incidents, or one withheld so that no count below {0} can be worked out from other wards and their total, shows no count and no incidents. Incidents at the same place are drawn as one circle with their number.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/print_job.py" line="318" />
            <source>This ward</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/print_job.py" line="319" />
            <source>Neighbouring wards</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/print_job.py" line="370" />
            <source>The ward map template {0} cannot be read.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/print_job.py" line="373" />
            <source>The ward map template lacks items: {0}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/print_job.py" line="407" />
            <source>all dates loaded</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/print_job.py" line="408" />
            <source>Period</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/print_job.py" line="410" />
            <source>Data extracted</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/print_job.py" line="411" />
            <source>Incidents in this ward</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/print_job.py" line="412" />
            <source>Boundaries: {0}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/print_job.py" line="414" />
            <source>Counts below {0} are not shown.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/print_job.py" line="472" />
            <source>Legend</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/print_job.py" line="545" />
            <source>The ward maps could not be written: {0}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/print_job.py" line="581" />
            <source>SafeStats: printing ward maps</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/print_job.py" line="608" />
            <source>Printing was cancelled.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/reference_layers.py" line="37" />
            <source>London boroughs</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/reference_layers.py" line="37" />
            <source>London wards</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/reference_layers.py" line="193" />
            <source>SafeStats: borough and ward boundaries</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/session.py" line="129" />
            <source>Enter your SafeStats username and password.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/session.py" line="132" />
            <source>You are already signed in to SafeStats. Sign out first.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/session.py" line="142" />
            <source>The password or the 6-digit code was not right. Check your password and enter the current code from your authenticator app.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/session.py" line="171" />
            <source>No saved SafeStats sign-in was found. Enter your username and password.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/session.py" line="226" />
            <source>QGIS's authentication database is not available, so the password cannot be saved. Sign in without "remember me".</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/session.py" line="244" />
            <source>The password could not be saved in QGIS's authentication database (is its master password set?). Sign in without "remember me".</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/styles.py" line="168" />
            <source>Categorised points</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/styles.py" line="168" />
            <source>One colour per category, the same colour for the same category in every dataset.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/styles.py" line="171" />
            <source>Heatmap (kernel density)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/styles.py" line="171" />
            <source>Kernel density surface of the incidents; good for hot spots at borough scale.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/styles.py" line="174" />
            <source>Hexagon density</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/styles.py" line="174" />
            <source>Counts of the loaded incidents in the store's hexagons (500, 1000 or 2000 m), in a layer above the points; counts below the small-number threshold are not shown.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/styles.py" line="178" />
            <source>Graduated choropleth</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/styles.py" line="178" />
            <source>Counts per area (aggregate data); suppressed small numbers are hatched.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/styles.py" line="224" />
            <source>Your saved style</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/styles.py" line="268" />
            <source>Other / not recorded</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/styles.py" line="330" />
            <source>Suppressed (small number)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/styles.py" line="373" />
            <source>Hexagon binning of {0} failed: {1}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/styles.py" line="478" />
            <source>Fewer incidents</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/styles.py" line="478" />
            <source>More incidents</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../providers/styles.py" line="492" />
            <source>Style preset {0} does not suit layer {1}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/dock.py" line="72" />
            <source>When</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/dock.py" line="72" />
            <source>What</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/dock.py" line="72" />
            <source>Where</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/dock.py" line="123" />
            <source>&lt;b&gt;{0}&lt;/b&gt; · {1}&lt;br/&gt;&lt;span style='color:#555'&gt;Purpose: {2}&lt;/span&gt;</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/dock.py" line="127" />
            <source>Not signed in.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/dock.py" line="134" />
            <source>Loading the datasets your organisation may see…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/dock.py" line="134" />
            <source>Sign in to see the datasets your organisation may see.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/dock.py" line="153" />
            <source>SafeStats: listing datasets</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/dock.py" line="159" />
            <source>Your organisation's agreement does not include any dataset.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/dock.py" line="194" />
            <source>SafeStats: reading boroughs and wards</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/layer_menu.py" line="45" />
            <source>Style preset</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/layer_menu.py" line="47" />
            <source>Refresh from SafeStats</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/layer_menu.py" line="49" />
            <source>Save style as my preset…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/load_controller.py" line="65" />
            <source>Loading counts</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/load_controller.py" line="75" />
            <source>Loading</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/load_controller.py" line="88" />
            <source>Refreshing</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/load_controller.py" line="136" />
            <source>This project has {0} SafeStats layer(s) without data: sign in to fetch them again.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/load_controller.py" line="145" />
            <source>Loaded {0:,} records into “{1}”.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/load_controller.py" line="166" />
            <source>Loaded counts for {0:,} areas into “{1}”.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/count_controller.py" line="51" />
            <source>Counting matching records…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/count_controller.py" line="79" />
            <source>Updating the count…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/count_controller.py" line="100" />
            <source>Fewer than &lt;b&gt;{0}&lt;/b&gt; matching records: too few to publish (counts only)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/count_controller.py" line="103" />
            <source>About &lt;b&gt;{0:,}&lt;/b&gt; incidents (counts only: perturbed and rounded to the nearest {1}; totals need not add up)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/count_controller.py" line="106" />
            <source>About &lt;b&gt;{0:,}&lt;/b&gt; matching records (rounded to the nearest {1}; counts only)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/count_controller.py" line="109" />
            <source>&lt;b&gt;{0:,}&lt;/b&gt; matching records</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/count_controller.py" line="111" />
            <source>Period: {0}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/count_controller.py" line="113" />
            <source>Counted in whole months: {0}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/count_controller.py" line="115" />
            <source>That is a very large load; consider narrowing the filter.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/count_controller.py" line="149" />
            <source>Counting matching records before loading…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/count_controller.py" line="160" />
            <source>Nothing to load</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/count_controller.py" line="160" />
            <source>No records match this filter.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/count_controller.py" line="166" />
            <source>Large load</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/count_controller.py" line="166" />
            <source>This filter matches {0:,} records (more than {1:,}). Loading that many takes a while and uses a lot of memory. Load anyway?</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/counts.py" line="34" />
            <source>Hexagons, {0:,} m</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/counts.py" line="58" />
            <source>No period available under your agreement</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/counts.py" line="69" />
            <source>Your whole agreement area</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/counts.py" line="83" />
            <source>Boroughs are counted whole: “within” applies to wards and hexagons.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/counts.py" line="117" />
            <source>Choose a dataset.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/counts.py" line="120" />
            <source>There is no period your agreement allows counts for.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/datasets.py" line="44" />
            <source>{0}  (counts only)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/datasets.py" line="109" />
            <source>Agency</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/datasets.py" line="109" />
            <source>Coverage</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/datasets.py" line="110" />
            <source>Last refresh</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/datasets.py" line="112" />
            <source>Records</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/datasets.py" line="113" />
            <source>Not recorded</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/datasets.py" line="122" />
            <source>Your agreement:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/style.py" line="76" />
            <source>Style</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/style.py" line="76" />
            <source>That style does not suit this layer.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/style.py" line="85" />
            <source>Save style as preset</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/style.py" line="85" />
            <source>Name of your preset:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/style.py" line="93" />
            <source>Style saved</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/style.py" line="93" />
            <source>Saved as your preset “{0}” ({1}).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/what.py" line="95" />
            <source>All categories</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/what.py" line="97" />
            <source>{0} of {1} ticked</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/what.py" line="100" />
            <source> (+ {0} other field filter)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/when.py" line="28" />
            <source>All available dates</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/when.py" line="31" />
            <source>Custom range</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/when.py" line="51" />
            <source>Data covers {0}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/when.py" line="53" />
            <source>Your agreement allows records from {0}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/when.py" line="111" />
            <source>The start date is after the end date.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/when.py" line="120" />
            <source>Your organisation's agreement gives records from {0} only: this period is before that.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/when.py" line="135" />
            <source>Tick at least one day of the week.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/where.py" line="91" />
            <source>Your organisation's agreement gives counts only for this dataset: choose boroughs or wards.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/where.py" line="139" />
            <source>Boroughs</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/where.py" line="139" />
            <source>Wards</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/where.py" line="158" />
            <source>your agreement area</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/where.py" line="159" />
            <source>Your agreement covers {0}: only its boroughs and wards are listed.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/where.py" line="220" />
            <source> and {0} more</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/where.py" line="246" />
            <source>{0} selected</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/where.py" line="266" />
            <source>Click to add corners; right-click or double-click to finish, Esc to cancel.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/where.py" line="295" />
            <source>No polygon drawn yet.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/where.py" line="295" />
            <source>Polygon of {0:.2f} km²</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/where.py" line="327" />
            <source>The map has no extent yet.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/where.py" line="328" />
            <source>Map extent</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/where.py" line="333" />
            <source>Tick at least one borough or ward.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/where.py" line="338" />
            <source>Select one or more features of a polygon layer.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/where.py" line="339" />
            <source>{0} selected in {1}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/where.py" line="343" />
            <source>Draw a polygon on the map first.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/where.py" line="344" />
            <source>Drawn area</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/where.py" line="357" />
            <source>This area is outside your organisation's agreement ({0}): it gives you no records there.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/where.py" line="358" />
            <source>a restricted area</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/print_dialog.py" line="52" />
            <source>Print</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/print_dialog.py" line="65" />
            <source>Community safety ward map</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/print_dialog.py" line="67" />
            <source>PDF files (*.pdf)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/print_dialog.py" line="95" />
            <source>Areas (one page each)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/print_dialog.py" line="104" />
            <source>Keep the layer's style</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/print_dialog.py" line="111" />
            <source>Save ward maps as</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/print_dialog.py" line="111" />
            <source>Folder for the ward PDFs</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/print_dialog.py" line="116" />
            <source>Adding the store's borough and ward boundaries…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/print_dialog.py" line="126" />
            <source>Added the store's boroughs and wards.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/print_dialog.py" line="134" />
            <source>Choose a boundary layer (polygons, e.g. wards).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/print_dialog.py" line="136" />
            <source>Choose the field holding the area names.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/print_dialog.py" line="138" />
            <source>Choose the incidents layer (load a SafeStats dataset first).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/print_dialog.py" line="140" />
            <source>Choose where to save the PDF.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/print_dialog.py" line="165" />
            <source>Note: “{0}” is not a SafeStats layer; its own attribution is printed.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/print_dialog.py" line="184" />
            <source>Printed {0} file(s): {1}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/print_dialog.py" line="202" />
            <source>Cancel</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/print_dialog.py" line="202" />
            <source>Close</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/print_dialog.py" line="240" />
            <source>Added {0}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/signin_dialog.py" line="87" />
            <source>Saved in the QGIS password store</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/signin_dialog.py" line="129" />
            <source>Load conditions</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/signin_dialog.py" line="132" />
            <source>Sign in</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/signin_dialog.py" line="152" />
            <source>SafeStats: reading the conditions of use</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/signin_dialog.py" line="173" />
            <source>Loading the current conditions of use…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/signin_dialog.py" line="173" />
            <source>The conditions of use could not be loaded. Check the store address, then press Load conditions.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/signin_dialog.py" line="182" />
            <source>version {0}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/signin_dialog.py" line="187" />
            <source>— choose the purpose of your work —</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/signin_dialog.py" line="223" />
            <source>SafeStats: signing in</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/signin_dialog.py" line="229" />
            <source>QGIS's password store is not available, so "remember me" cannot be used. Untick it and enter your password.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/signin_dialog.py" line="235" />
            <source>The QGIS password store is locked (its master password was not entered). Enter it, or untick "remember me" and type your password.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/tokens_dialog.py" line="30" />
            <source>Name</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/tokens_dialog.py" line="30" />
            <source>Starts with</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/tokens_dialog.py" line="30" />
            <source>Status</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/tokens_dialog.py" line="30" />
            <source>Expires</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/tokens_dialog.py" line="30" />
            <source>Last used</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/tokens_dialog.py" line="64" />
            <source>Give the token a name first.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/tokens_dialog.py" line="73" />
            <source>GDAL: {0}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/tokens_dialog.py" line="74" />
            <source>QGIS: {0}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/tokens_dialog.py" line="75" />
            <source>Expires {0}. Revoke it here when you no longer need it.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/tokens_dialog.py" line="79" />
            <source>Token '{0}' created. Copy it now: it is not shown again.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/tokens_dialog.py" line="90" />
            <source>Select the token to revoke.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/tokens_dialog.py" line="99" />
            <source>Personal access token</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/tokens_dialog.py" line="99" />
            <source>Token '{0}' is {1}: it no longer works anywhere.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/tokens_dialog.py" line="111" />
            <source>Sign in to SafeStats first: a token carries the purpose of your sign-in.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>SafeStatsDock</name>
        <message>
            <location filename="../ui/dock.ui" line="9" />
            <source>SafeStats</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/dock.ui" line="21" />
            <source>Not signed in.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/dock.ui" line="30" />
            <source>Sign in…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/dock.ui" line="36" />
            <source>Sign out</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/dock.ui" line="66" />
            <source>Sign in to see datasets.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/dock.ui" line="74" />
            <source>Load</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/dock.ui" line="80" />
            <source>Refresh layer</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/dock.ui" line="81" />
            <source>Fetch the selected SafeStats layer again with its saved filter</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/dock.ui" line="86" />
            <source>Cancel</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>SafeStatsSettingsPage</name>
        <message>
            <location filename="../ui/settings_page.ui" line="9" />
            <source>SafeStats</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/settings_page.ui" line="15" />
            <source>SafeStats store</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/settings_page.ui" line="21" />
            <source>Store address</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/settings_page.ui" line="41" />
            <source>The address must start with https:// (http:// only for a store on this computer).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/settings_page.ui" line="54" />
            <source>Your user name and password are never kept here: the sign-in dialog saves them, if you ask it to, in the QGIS password store (Settings ▸ Options ▸ Authentication).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/settings_page.ui" line="67" />
            <source>Downloaded data</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/settings_page.ui" line="73" />
            <source>Keep downloaded files for at most</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/settings_page.ui" line="83" />
            <source> days</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/settings_page.ui" line="99" />
            <source>Ask before loading more than</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/settings_page.ui" line="109" />
            <source> records</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/settings_page.ui" line="125" />
            <source>Downloaded SafeStats files are also deleted when you sign out, and expired files when QGIS starts.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/settings_page.ui" line="138" />
            <source>Small numbers</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/settings_page.ui" line="144" />
            <source>Hide counts below</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/settings_page.ui" line="164" />
            <source>Used by ward maps and counting tools. It can be raised, never lowered below 5: the store applies its own threshold to every count it sends.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/settings_page.ui" line="177" />
            <source>Default style</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/settings_page.ui" line="183" />
            <source>Incident records</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/settings_page.ui" line="196" />
            <source>Counts per area (aggregate-only datasets)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/settings_page.ui" line="221" />
            <source>User guide</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/settings_page.ui" line="235" />
            <source>Restore defaults</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>SignInDialog</name>
        <message>
            <location filename="../ui/signin_dialog.ui" line="9" />
            <source>Sign in to SafeStats</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/signin_dialog.ui" line="27" />
            <source>&lt;b&gt;SafeStats&lt;/b&gt; — London community-safety data&lt;br/&gt;Sign in with the account your organisation's SafeStats administrator gave you.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/signin_dialog.ui" line="39" />
            <source>Account</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/signin_dialog.ui" line="43" />
            <source>Store address</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/signin_dialog.ui" line="49" />
            <source>https://safestats.london.gov.uk</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/signin_dialog.ui" line="50" />
            <source>The address of the SafeStats store (https; plain http only for a store on this computer)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/signin_dialog.ui" line="55" />
            <source>Username</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/signin_dialog.ui" line="61" />
            <source>e.g. firstname.lastname</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/signin_dialog.ui" line="66" />
            <source>Password</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/signin_dialog.ui" line="77" />
            <source>Code</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/signin_dialog.ui" line="83" />
            <source>6-digit code from your authenticator app</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/signin_dialog.ui" line="89" />
            <source>Remember me on this computer (kept in the QGIS password store)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/signin_dialog.ui" line="90" />
            <source>Your username and password are saved in the QGIS authentication database. You still read and accept the conditions of use at every sign-in.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/signin_dialog.ui" line="98" />
            <source>Conditions of use</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/signin_dialog.ui" line="102" />
            <source>Loading the current conditions of use…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/signin_dialog.ui" line="116" />
            <source>Purpose of this session</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/signin_dialog.ui" line="122" />
            <source>Why you are using SafeStats data today. It is recorded with every data access. Enforcement and prosecution are never permitted purposes.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/signin_dialog.ui" line="129" />
            <source>I have read and accept these conditions of use for this session</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>StylePanel</name>
        <message>
            <location filename="../ui/panels/style.ui" line="11" />
            <source>Style</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/style.ui" line="22" />
            <source>Apply</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/style.ui" line="23" />
            <source>Apply this style to the selected SafeStats layer</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/style.ui" line="28" />
            <source>Save…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/style.ui" line="29" />
            <source>Save the selected layer's current style as your own preset</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>TokensDialog</name>
        <message>
            <location filename="../ui/tokens_dialog.ui" line="9" />
            <source>SafeStats personal access tokens</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/tokens_dialog.ui" line="15" />
            <source>A personal access token lets GDAL scripts and QGIS's own "WFS / OGC API - Features" connections read SafeStats data for weeks, under this sign-in's purpose and your organisation's agreement. Treat it like a password: it is shown once, and you can revoke it here at any time.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/tokens_dialog.ui" line="25" />
            <source>New token</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/tokens_dialog.ui" line="28" />
            <source>Name</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/tokens_dialog.ui" line="33" />
            <source>e.g. GDAL on my laptop</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/tokens_dialog.ui" line="37" />
            <source>Expires after (days)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/tokens_dialog.ui" line="47" />
            <source>Create token</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/tokens_dialog.ui" line="54" />
            <source>Your new token (shown only now: copy it into your connection)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/tokens_dialog.ui" line="62" />
            <source>Copy</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/tokens_dialog.ui" line="85" />
            <source>Revoke selected token</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/tokens_dialog.ui" line="88" />
            <source>Refresh list</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>WhatPanel</name>
        <message>
            <location filename="../ui/panels/what.ui" line="9" />
            <source>Field</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/what.ui" line="20" />
            <source>Tick the categories to load. Nothing ticked means every category.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/what.ui" line="25" />
            <source>Tick all</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/what.ui" line="26" />
            <source>Clear</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/what.ui" line="29" />
            <source>All categories</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>WhenPanel</name>
        <message>
            <location filename="../ui/panels/when.ui" line="9" />
            <source>Period</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/when.ui" line="15" />
            <source>From</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/when.ui" line="24" />
            <source>To</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/when.ui" line="29" />
            <source>dd/MM/yyyy HH:mm</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/when.ui" line="36" />
            <source>Days of the week</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/when.ui" line="38" />
            <source>Mon</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/when.ui" line="39" />
            <source>Tue</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/when.ui" line="40" />
            <source>Wed</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/when.ui" line="41" />
            <source>Thu</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/when.ui" line="42" />
            <source>Fri</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/when.ui" line="43" />
            <source>Sat</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/when.ui" line="44" />
            <source>Sun</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/when.ui" line="50" />
            <source>Time of day (London time)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/when.ui" line="54" />
            <source>Any time</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/when.ui" line="59" />
            <source>from</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/when.ui" line="64" />
            <source>:00</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/when.ui" line="69" />
            <source>to</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/when.ui" line="74" />
            <source>:59</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/when.ui" line="76" />
            <source>Inclusive. A range that passes midnight (e.g. 22 to 3) is allowed.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>WherePanel</name>
        <message>
            <location filename="../ui/panels/where.ui" line="6" />
            <source>Anywhere my agreement allows</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/where.ui" line="7" />
            <source>Current map extent</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/where.ui" line="8" />
            <source>Boroughs or wards</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/where.ui" line="21" />
            <source>Search…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/where.ui" line="41" />
            <source>Selected features of a polygon layer</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/where.ui" line="58" />
            <source>A polygon I draw on the map</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/where.ui" line="68" />
            <source>Draw…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../ui/panels/where.ui" line="75" />
            <source>No polygon drawn yet.</source>
            <translation type="unfinished" />
        </message>
    </context>
</TS>
