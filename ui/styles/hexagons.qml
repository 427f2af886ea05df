<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis simplifyDrawingTol="1" simplifyLocal="1" maxScale="0" version="3.22.16-Białowieża" simplifyMaxScale="1" simplifyDrawingHints="1" simplifyAlgorithm="0" hasScaleBasedVisibilityFlag="0" symbologyReferenceScale="-1" minScale="100000000" styleCategories="Symbology|Rendering">
  <renderer-v2 forceraster="0" type="singleSymbol" symbollevels="0" referencescale="-1" enableorderby="0">
    <symbols>
      <symbol force_rhr="0" type="marker" alpha="1" clip_to_extent="1" name="0">
        <data_defined_properties>
          <Option type="Map">
            <Option type="QString" value="" name="name"/>
            <Option name="properties"/>
            <Option type="QString" value="collection" name="type"/>
          </Option>
        </data_defined_properties>
        <layer locked="0" class="GeometryGenerator" enabled="1" pass="0">
          <Option type="Map">
            <Option type="QString" value="Fill" name="SymbolType"/>
            <Option type="QString" value="with_variable('s', max(50, coalesce(bounds_width(transform(@map_extent, @map_crs, 'EPSG:27700')) / 80, 400)), with_variable('p', transform(centroid($geometry), @layer_crs, 'EPSG:27700'), with_variable('w', @s * sqrt(3), with_variable('x', x(@p), with_variable('y', y(@p), with_variable('ax', round(@x / @w) * @w, with_variable('ay', round(@y / (3 * @s)) * 3 * @s, with_variable('bx', round((@x - @w / 2) / @w) * @w + @w / 2, with_variable('by', round((@y - 1.5 * @s) / (3 * @s)) * 3 * @s + 1.5 * @s, with_variable('da', (@x - @ax)^2 + (@y - @ay)^2, with_variable('db', (@x - @bx)^2 + (@y - @by)^2, transform(make_regular_polygon(if(@da &lt;= @db, make_point(@ax, @ay), make_point(@bx, @by)), if(@da &lt;= @db, make_point(@ax, @ay + @s), make_point(@bx, @by + @s)), 6, 0), 'EPSG:27700', @layer_crs))))))))))))" name="geometryModifier"/>
            <Option type="QString" value="MapUnit" name="units"/>
          </Option>
          <prop k="SymbolType" v="Fill"/>
          <prop k="geometryModifier" v="with_variable('s', max(50, coalesce(bounds_width(transform(@map_extent, @map_crs, 'EPSG:27700')) / 80, 400)), with_variable('p', transform(centroid($geometry), @layer_crs, 'EPSG:27700'), with_variable('w', @s * sqrt(3), with_variable('x', x(@p), with_variable('y', y(@p), with_variable('ax', round(@x / @w) * @w, with_variable('ay', round(@y / (3 * @s)) * 3 * @s, with_variable('bx', round((@x - @w / 2) / @w) * @w + @w / 2, with_variable('by', round((@y - 1.5 * @s) / (3 * @s)) * 3 * @s + 1.5 * @s, with_variable('da', (@x - @ax)^2 + (@y - @ay)^2, with_variable('db', (@x - @bx)^2 + (@y - @by)^2, transform(make_regular_polygon(if(@da &lt;= @db, make_point(@ax, @ay), make_point(@bx, @by)), if(@da &lt;= @db, make_point(@ax, @ay + @s), make_point(@bx, @by + @s)), 6, 0), 'EPSG:27700', @layer_crs))))))))))))"/>
          <prop k="units" v="MapUnit"/>
          <data_defined_properties>
            <Option type="Map">
              <Option type="QString" value="" name="name"/>
              <Option name="properties"/>
              <Option type="QString" value="collection" name="type"/>
            </Option>
          </data_defined_properties>
          <symbol force_rhr="0" type="fill" alpha="1" clip_to_extent="1" name="@0@0">
            <data_defined_properties>
              <Option type="Map">
                <Option type="QString" value="" name="name"/>
                <Option name="properties"/>
                <Option type="QString" value="collection" name="type"/>
              </Option>
            </data_defined_properties>
            <layer locked="0" class="SimpleFill" enabled="1" pass="0">
              <Option type="Map">
                <Option type="QString" value="3x:0,0,0,0,0,0" name="border_width_map_unit_scale"/>
                <Option type="QString" value="189,0,38,12" name="color"/>
                <Option type="QString" value="bevel" name="joinstyle"/>
                <Option type="QString" value="0,0" name="offset"/>
                <Option type="QString" value="3x:0,0,0,0,0,0" name="offset_map_unit_scale"/>
                <Option type="QString" value="MM" name="offset_unit"/>
                <Option type="QString" value="189,0,38,40" name="outline_color"/>
                <Option type="QString" value="solid" name="outline_style"/>
                <Option type="QString" value="0.1" name="outline_width"/>
                <Option type="QString" value="MM" name="outline_width_unit"/>
                <Option type="QString" value="solid" name="style"/>
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
                  <Option type="QString" value="" name="name"/>
                  <Option type="Map" name="properties">
                    <Option type="Map" name="fillColor">
                      <Option type="bool" value="true" name="active"/>
                      <Option type="QString" value="color_rgba(189,0,38, with_variable('s', max(50, coalesce(bounds_width(transform(@map_extent, @map_crs, 'EPSG:27700')) / 80, 400)), with_variable('ext', max(1e6, area(bounds(transform(layer_property(@layer, 'extent'), @layer_crs, 'EPSG:27700')))), with_variable('peak', max(4, 8 * layer_property(@layer, 'feature_count') * 2.598 * @s * @s / @ext), max(6, min(200, 255 * (1 - 0.04 ^ (1 / @peak))))))))" name="expression"/>
                      <Option type="int" value="3" name="type"/>
                    </Option>
                  </Option>
                  <Option type="QString" value="collection" name="type"/>
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
