package imageio

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"io"
	"slices"
)

// maxICC bounds an embedded colour profile (real ones are a few hundred
// bytes to a few hundred kilobytes); a larger one is ignored.
const maxICC = 4 << 20

// iccProfile returns the ICC colour profile embedded in an encoded image
// (JPEG APP2, PNG iCCP, WebP ICCP, TIFF tag 34675), or nil when there is
// none or it is malformed: a bad profile never stops a decode.
func iccProfile(data []byte) []byte {
	switch {
	case bytes.HasPrefix(data, []byte("\xff\xd8")):
		return jpegICC(data)
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return pngICC(data)
	case len(data) >= 12 && bytes.HasPrefix(data, []byte("RIFF")) && string(data[8:12]) == "WEBP":
		return webpICC(data)
	case bytes.HasPrefix(data, []byte("II*\x00")), bytes.HasPrefix(data, []byte("MM\x00*")):
		return tiffICC(data)
	}
	return nil
}

const jpegICCTag = "ICC_PROFILE\x00"

// jpegICC joins the APP2 "ICC_PROFILE" segments in their sequence order.
func jpegICC(data []byte) []byte {
	type chunk struct {
		seq  int
		data []byte
	}
	var chunks []chunk
	count := 0
	for _, seg := range jpegSegments(data) {
		b := seg.body
		if seg.marker == 0xe2 && len(b) > len(jpegICCTag)+2 && string(b[:len(jpegICCTag)]) == jpegICCTag {
			chunks = append(chunks, chunk{int(b[len(jpegICCTag)]), b[len(jpegICCTag)+2:]})
			count = int(b[len(jpegICCTag)+1])
		}
	}
	if len(chunks) == 0 || len(chunks) != count {
		return nil
	}
	slices.SortFunc(chunks, func(a, b chunk) int { return a.seq - b.seq })
	var out []byte
	for k, c := range chunks {
		if c.seq != k+1 {
			return nil
		}
		out = append(out, c.data...)
	}
	if len(out) > maxICC {
		return nil
	}
	return out
}

// pngICC inflates the iCCP chunk, which comes before the image data.
func pngICC(data []byte) []byte {
	for i := 8; i+12 <= len(data); {
		n := int(binary.BigEndian.Uint32(data[i:]))
		typ := string(data[i+4 : i+8])
		if n < 0 || n > len(data)-i-12 || typ == "IDAT" {
			return nil
		}
		if typ == "iCCP" {
			body := data[i+8 : i+8+n]
			name := bytes.IndexByte(body, 0)
			if name < 1 || name+2 > len(body) || body[name+1] != 0 {
				return nil
			}
			zr, err := zlib.NewReader(bytes.NewReader(body[name+2:]))
			if err != nil {
				return nil
			}
			prof, err := io.ReadAll(io.LimitReader(zr, maxICC+1))
			if err != nil || len(prof) > maxICC {
				return nil
			}
			return prof
		}
		i += 12 + n
	}
	return nil
}

// webpICC finds the ICCP chunk of an extended WebP file.
func webpICC(data []byte) []byte {
	for i := 12; i+8 <= len(data); {
		n := int(binary.LittleEndian.Uint32(data[i+4:]))
		if n < 0 || n > len(data)-i-8 {
			return nil
		}
		if string(data[i:i+4]) == "ICCP" {
			if n > maxICC {
				return nil
			}
			return slices.Clone(data[i+8 : i+8+n])
		}
		i += 8 + n + n&1
	}
	return nil
}

// tiffICC reads tag 34675 (InterColorProfile) of the first directory.
func tiffICC(t []byte) []byte {
	bo, e, ok := tiffEntry(t, 34675)
	if !ok {
		return nil
	}
	size := int64(bo.Uint32(e[4:]))
	at := int64(bo.Uint32(e[8:]))
	if typ := bo.Uint16(e[2:]); (typ != 7 && typ != 1) || size <= 4 || size > maxICC || at+size > int64(len(t)) {
		return nil
	}
	return slices.Clone(t[at : at+size])
}

// withPNGICC inserts an iCCP chunk holding prof after a PNG's header chunk.
func withPNGICC(png, prof []byte) []byte {
	const ihdrEnd = 8 + 8 + 13 + 4
	if len(prof) == 0 || len(png) < ihdrEnd {
		return png
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(prof)
	zw.Close()
	body := append([]byte("icc\x00\x00"), z.Bytes()...)
	chunk := binary.BigEndian.AppendUint32(nil, uint32(len(body)))
	chunk = append(chunk, "iCCP"...)
	chunk = append(chunk, body...)
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
	out := append(slices.Clip(png[:ihdrEnd]), chunk...)
	return append(out, png[ihdrEnd:]...)
}

// withJPEGICC inserts APP2 segments holding prof after a JPEG's start
// marker (and its JFIF segment, which must come first).
func withJPEGICC(jpg, prof []byte) []byte {
	if len(prof) == 0 || len(jpg) < 4 {
		return jpg
	}
	at := 2
	if jpg[2] == 0xff && jpg[3] == 0xe0 && len(jpg) >= 6 {
		at = 4 + int(binary.BigEndian.Uint16(jpg[4:]))
	}
	const per = 65535 - 2 - len(jpegICCTag) - 2
	count := (len(prof) + per - 1) / per
	if count > 255 {
		return jpg
	}
	var segs []byte
	for k := range count {
		part := prof[k*per : min(len(prof), (k+1)*per)]
		segs = append(segs, 0xff, 0xe2)
		segs = binary.BigEndian.AppendUint16(segs, uint16(2+len(jpegICCTag)+2+len(part)))
		segs = append(segs, jpegICCTag...)
		segs = append(segs, byte(k+1), byte(count))
		segs = append(segs, part...)
	}
	out := append(slices.Clip(jpg[:at]), segs...)
	return append(out, jpg[at:]...)
}
