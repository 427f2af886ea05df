<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis simplifyDrawingTol="1" simplifyLocal="1" maxScale="0" version="3.22.16-Białowieża" simplifyMaxScale="1" simplifyDrawingHints="1" simplifyAlgorithm="0" hasScaleBasedVisibilityFlag="0" symbologyReferenceScale="-1" minScale="100000000" styleCategories="Symbology|Rendering">
  <renderer-v2 radius_unit="0" forceraster="0" radius="8" type="heatmapRenderer" quality="2" max_value="0" weight_expression="" symbollevels="0" radius_map_unit_scale="3x:0,0,0,0,0,0" referencescale="-1" enableorderby="0">
    <colorramp type="gradient" name="[source]">
      <Option type="Map">
        <Option type="QString" value="255,255,178,0" name="color1"/>
        <Option type="QString" value="128,0,38,235" name="color2"/>
        <Option type="QString" value="0" name="discrete"/>
        <Option type="QString" value="gradient" name="rampType"/>
        <Option type="QString" value="0.03;255,255,178,100:0.12;254,217,118,165:0.3;253,141,60,200:0.55;240,59,32,220:0.8;189,0,38,230" name="stops"/>
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
