<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis simplifyDrawingTol="1" simplifyLocal="1" simplifyDrawingHints="1" simplifyAlgorithm="0" simplifyMaxScale="1" symbologyReferenceScale="-1" minScale="100000000" version="3.22.16-Białowieża" styleCategories="Symbology|Rendering" hasScaleBasedVisibilityFlag="0" maxScale="0">
  <renderer-v2 type="heatmapRenderer" radius_unit="0" max_value="0" weight_expression="" referencescale="-1" radius="8" enableorderby="0" radius_map_unit_scale="3x:0,0,0,0,0,0" quality="2" forceraster="0" symbollevels="0">
    <colorramp type="gradient" name="[source]">
      <Option type="Map">
        <Option type="QString" name="color1" value="255,255,178,0"/>
        <Option type="QString" name="color2" value="128,0,38,235"/>
        <Option type="QString" name="discrete" value="0"/>
        <Option type="QString" name="rampType" value="gradient"/>
        <Option type="QString" name="stops" value="0.03;255,255,178,100:0.12;254,217,118,165:0.3;253,141,60,200:0.55;240,59,32,220:0.8;189,0,38,230"/>
      </Option>
      <prop k="color1" v="255,255,178,0"/>
      <prop k="color2" v="128,0,38,235"/>
      <prop k="discrete" v="0"/>
      <prop k="rampType" v="gradient"/>
      <prop k="stops" v="0.03;255,255,178,100:0.12;254,217,118,165:0.3;253,141,60,200:0.55;240,59,32,220:0.8;189,0,38,230"/>
    </colorramp>
  </renderer-v2>
  <blendMode>0</blendMode>
  <featureBlendMode>0</featureBlendMode>
  <layerOpacity>1</layerOpacity>
  <layerGeometryType>0</layerGeometryType>
</qgis>
