package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"

	"github.com/srwiley/oksvg"
	"github.com/srwiley/rasterx"
)

// appIconSource is the SVG the installable app's PNG icons are drawn from
// (relative to the www root). Without it no PNG icons are made.
const appIconSource = "icons/app-icon.svg"

// appIcons are the PNGs drawn from appIconSource at build time, next to
// it. A maskable icon is the drawing scaled by maskableScale onto a full
// bleed of the colour at the middle of the drawing's top edge, so that
// everything inside the drawing's inscribed circle lands inside the
// maskable safe zone (the central circle of radius 40%).
var appIcons = []struct {
	name     string
	size     int
	maskable bool
}{
	{"icons/app-icon-192.png", 192, false},
	{"icons/app-icon-512.png", 512, false},
	{"icons/app-icon-maskable-512.png", 512, true},
}

const maskableScale = 0.8

// addAppIcons draws the PNG app icons from appIconSource, if the sources
// hold it, and adds them to assets. The PNGs must not be in the sources.
func addAppIcons(assets map[string]*asset) error {
	src, ok := assets[appIconSource]
	if !ok {
		return nil
	}
	for _, ic := range appIcons {
		if _, dup := assets[ic.name]; dup {
			return fmt.Errorf("%s is drawn by the build from %s and must not be in the sources", ic.name, appIconSource)
		}
		data, err := rasterizeIcon(src.data, ic.size, ic.maskable)
		if err != nil {
			return fmt.Errorf("%s: drawing %s: %w", appIconSource, ic.name, err)
		}
		assets[ic.name] = &asset{src: ic.name, data: data}
	}
	return nil
}

// rasterizeIcon draws the SVG svgData as a size×size PNG. The output
// depends on the input alone (no time, no gamma or text chunks).
func rasterizeIcon(svgData []byte, size int, maskable bool) ([]byte, error) {
	if size <= 0 || size > 4096 {
		return nil, fmt.Errorf("icon size %d out of range", size)
	}
	full, err := drawSVG(svgData, size, 1)
	if err != nil {
		return nil, err
	}
	img := full
	if maskable {
		// The bleed colour: the middle of the top edge, just inside it.
		bg := color.NRGBAModel.Convert(full.At(size/2, size/64)).(color.NRGBA)
		if bg.A != 0xff {
			return nil, fmt.Errorf("the drawing's top edge is not opaque (%v), so it has no background colour for the maskable icon", bg)
		}
		img, err = drawSVG(svgData, size, maskableScale)
		if err != nil {
			return nil, err
		}
		out := image.NewRGBA(img.Bounds())
		draw.Draw(out, out.Bounds(), image.NewUniform(bg), image.Point{}, draw.Src)
		draw.Draw(out, out.Bounds(), img, image.Point{}, draw.Over)
		img = out
	}
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&b, img); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// drawSVG renders svgData into a size×size image, the drawing scaled by
// scale about the centre. Unsupported SVG features are errors rather than
// silently missing parts.
func drawSVG(svgData []byte, size int, scale float64) (*image.RGBA, error) {
	icon, err := oksvg.ReadIconStream(bytes.NewReader(svgData), oksvg.StrictErrorMode)
	if err != nil {
		return nil, err
	}
	if icon.ViewBox.W <= 0 || icon.ViewBox.H <= 0 {
		return nil, fmt.Errorf("the SVG has no viewBox")
	}
	if icon.ViewBox.W != icon.ViewBox.H {
		return nil, fmt.Errorf("the SVG's viewBox is %gx%g; an app icon must be square", icon.ViewBox.W, icon.ViewBox.H)
	}
	s := float64(size) * scale
	off := (float64(size) - s) / 2
	icon.SetTarget(off, off, s, s)
	// oksvg applies the target transform to the geometry but not to stroke
	// widths and dash patterns, which it takes as device pixels; scale
	// them here (a fresh dash slice per path: paths may share one).
	k := s / icon.ViewBox.W
	for i := range icon.SVGPaths {
		p := &icon.SVGPaths[i]
		p.LineWidth *= k
		p.DashOffset *= k
		if p.Dash != nil {
			d := make([]float64, len(p.Dash))
			for i, v := range p.Dash {
				d[i] = v * k
			}
			p.Dash = d
		}
	}
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	scanner := rasterx.NewScannerGV(size, size, img, img.Bounds())
	icon.Draw(rasterx.NewDasher(size, size, scanner), 1)
	return img, nil
}
