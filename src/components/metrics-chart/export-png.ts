/**
 * PNG export: the chart's SVG rasterised by the browser at the screen's pixel density, so the PNG
 * carries the tick labels and legend that the canvas leaves to HTML.
 */
/**
 * Rasterises the SVG document `svg` (`width` × `height` CSS pixels) at `scale` device pixels each;
 * null if the browser could not encode it (`chart-export.ts` raises the error).
 */
export async function svgToPng(svg: string, scale: number): Promise<Blob | null> {
  // A data URL, not a blob URL: pages' content security policies allow `img-src data:` more often.
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(image.naturalWidth * scale);
  canvas.height = Math.round(image.naturalHeight * scale);
  canvas.getContext('2d')!.drawImage(image, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
}
