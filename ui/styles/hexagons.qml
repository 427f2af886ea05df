<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis simplifyDrawingTol="1" simplifyLocal="1" simplifyDrawingHints="1" simplifyAlgorithm="0" simplifyMaxScale="1" symbologyReferenceScale="-1" minScale="100000000" version="3.22.16-Białowieża" styleCategories="Symbology|Rendering" hasScaleBasedVisibilityFlag="0" maxScale="0">
  <renderer-v2 type="singleSymbol" referencescale="-1" enableorderby="0" forceraster="0" symbollevels="0">
    <symbols>
      <symbol type="marker" force_rhr="0" clip_to_extent="1" alpha="1" name="0">
        <data_defined_properties>
          <Option type="Map">
            <Option type="QString" name="name" value=""/>
            <Option name="properties"/>
            <Option type="QString" name="type" value="collection"/>
          </Option>
        </data_defined_properties>
        <layer class="GeometryGenerator" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option type="QString" name="SymbolType" value="Fill"/>
            <Option type="QString" name="geometryModifier" value="with_variable('s', max(50, coalesce(bounds_width(transform(@map_extent, @map_crs, 'EPSG:27700')) / 80, 400)), with_variable('p', transform(centroid($geometry), @layer_crs, 'EPSG:27700'), with_variable('w', @s * sqrt(3), with_variable('x', x(@p), with_variable('y', y(@p), with_variable('ax', round(@x / @w) * @w, with_variable('ay', round(@y / (3 * @s)) * 3 * @s, with_variable('bx', round((@x - @w / 2) / @w) * @w + @w / 2, with_variable('by', round((@y - 1.5 * @s) / (3 * @s)) * 3 * @s + 1.5 * @s, with_variable('da', (@x - @ax)^2 + (@y - @ay)^2, with_variable('db', (@x - @bx)^2 + (@y - @by)^2, transform(make_regular_polygon(if(@da &lt;= @db, make_point(@ax, @ay), make_point(@bx, @by)), if(@da &lt;= @db, make_point(@ax, @ay + @s), make_point(@bx, @by + @s)), 6, 0), 'EPSG:27700', @layer_crs))))))))))))"/>
            <Option type="QString" name="units" value="MapUnit"/>
          </Option>
          <prop k="SymbolType" v="Fill"/>
          <prop k="geometryModifier" v="with_variable('s', max(50, coalesce(bounds_width(transform(@map_extent, @map_crs, 'EPSG:27700')) / 80, 400)), with_variable('p', transform(centroid($geometry), @layer_crs, 'EPSG:27700'), with_variable('w', @s * sqrt(3), with_variable('x', x(@p), with_variable('y', y(@p), with_variable('ax', round(@x / @w) * @w, with_variable('ay', round(@y / (3 * @s)) * 3 * @s, with_variable('bx', round((@x - @w / 2) / @w) * @w + @w / 2, with_variable('by', round((@y - 1.5 * @s) / (3 * @s)) * 3 * @s + 1.5 * @s, with_variable('da', (@x - @ax)^2 + (@y - @ay)^2, with_variable('db', (@x - @bx)^2 + (@y - @by)^2, transform(make_regular_polygon(if(@da &lt;= @db, make_point(@ax, @ay), make_point(@bx, @by)), if(@da &lt;= @db, make_point(@ax, @ay + @s), make_point(@bx, @by + @s)), 6, 0), 'EPSG:27700', @layer_crs))))))))))))"/>
          <prop k="units" v="MapUnit"/>
          <data_defined_properties>
            <Option type="Map">
              <Option type="QString" name="name" value=""/>
              <Option name="properties"/>
              <Option type="QString" name="type" value="collection"/>
            </Option>
          </data_defined_properties>
          <symbol type="fill" force_rhr="0" clip_to_extent="1" alpha="1" name="@0@0">
            <data_defined_properties>
              <Option type="Map">
                <Option type="QString" name="name" value=""/>
                <Option name="properties"/>
                <Option type="QString" name="type" value="collection"/>
              </Option>
            </data_defined_properties>
            <layer class="SimpleFill" enabled="1" locked="0" pass="0">
              <Option type="Map">
                <Option type="QString" name="border_width_map_unit_scale" value="3x:0,0,0,0,0,0"/>
                <Option type="QString" name="color" value="189,0,38,12"/>
                <Option type="QString" name="joinstyle" value="bevel"/>
                <Option type="QString" name="offset" value="0,0"/>
                <Option type="QString" name="offset_map_unit_scale" value="3x:0,0,0,0,0,0"/>
                <Option type="QString" name="offset_unit" value="MM"/>
                <Option type="QString" name="outline_color" value="189,0,38,40"/>
                <Option type="QString" name="outline_style" value="solid"/>
                <Option type="QString" name="outline_width" value="0.1"/>
                <Option type="QString" name="outline_width_unit" value="MM"/>
                <Option type="QString" name="style" value="solid"/>
              </Option>
              <prop k="border_width_map_unit_scale" v="3x:0,0,0,0,0,0"/>
              <prop k="color" v="189,0,38,12"/>
              <prop k="joinstyle" v="bevel"/>
              <prop k="offset" v="0,0"/>
              <prop k="offset_map_unit_scale" v="3x:0,0,0,0,0,0"/>
              <prop k="offset_unit" v="MM"/>
              <prop k="outline_color" v="189,0,38,40"/>
              <prop k="outline_style" v="solid"/>
              <prop k="outline_width" v="0.1"/>
              <prop k="outline_width_unit" v="MM"/>
              <prop k="style" v="solid"/>
              <data_defined_properties>
                <Option type="Map">
                  <Option type="QString" name="name" value=""/>
                  <Option type="Map" name="properties">
                    <Option type="Map" name="fillColor">
                      <Option type="bool" name="active" value="true"/>
                      <Option type="QString" name="expression" value="color_rgba(189,0,38, with_variable('s', max(50, coalesce(bounds_width(transform(@map_extent, @map_crs, 'EPSG:27700')) / 80, 400)), with_variable('ext', max(1e6, area(bounds(transform(layer_property(@layer, 'extent'), @layer_crs, 'EPSG:27700')))), with_variable('peak', max(4, 8 * layer_property(@layer, 'feature_count') * 2.598 * @s * @s / @ext), max(6, min(200, 255 * (1 - 0.04 ^ (1 / @peak))))))))"/>
                      <Option type="int" name="type" value="3"/>
                    </Option>
                  </Option>
                  <Option type="QString" name="type" value="collection"/>
                </Option>
              </data_defined_properties>
            </layer>
          </symbol>
        </layer>
      </symbol>
    </symbols>
    <rotation/>
    <sizescale/>
  </renderer-v2>
  <blendMode>0</blendMode>
  <featureBlendMode>0</featureBlendMode>
  <layerOpacity>1</layerOpacity>
  <layerGeometryType>0</layerGeometryType>
</qgis>
