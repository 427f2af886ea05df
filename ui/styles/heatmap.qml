<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis simplifyDrawingHints="1" simplifyDrawingTol="1" styleCategories="Symbology|Rendering" minScale="100000000" simplifyLocal="1" maxScale="0" simplifyAlgorithm="0" version="3.22.16-Białowieża" hasScaleBasedVisibilityFlag="0" symbologyReferenceScale="-1" simplifyMaxScale="1">
  <renderer-v2 type="heatmapRenderer" weight_expression="" symbollevels="0" quality="2" enableorderby="0" referencescale="-1" radius_unit="0" radius="6" radius_map_unit_scale="3x:0,0,0,0,0,0" forceraster="0" max_value="0">
    <colorramp type="gradient" name="[source]">
      <Option type="Map">
        <Option type="QString" name="color1" value="255,255,178,0"/>
        <Option type="QString" name="color2" value="128,0,38,235"/>
        <Option type="QString" name="discrete" value="0"/>
        <Option type="QString" name="rampType" value="gradient"/>
        <Option type="QString" name="stops" value="0.1;255,255,178,90:0.3;254,204,92,170:0.55;253,141,60,205:0.8;227,26,28,225"/>
      </Option>
      <prop k="color1" v="255,255,178,0"/>
      <prop k="color2" v="128,0,38,235"/>
      <prop k="discrete" v="0"/>
      <prop k="rampType" v="gradient"/>
      <prop k="stops" v="0.1;255,255,178,90:0.3;254,204,92,170:0.55;253,141,60,205:0.8;227,26,28,225"/>
    </colorramp>
  </renderer-v2>
  <blendMode>0</blendMode>
  <featureBlendMode>0</featureBlendMode>
  <layerOpacity>1</layerOpacity>
  <layerGeometryType>0</layerGeometryType>
</qgis>
