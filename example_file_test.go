package deblur_test

import (
	"context"
	"image"
	_ "image/jpeg" // decoders for image.Decode
	"image/png"
	"log"
	"os"

	"github.com/deblur/deblur"
)

// Deblur a photo file with the command's defaults and write the result:
// what "deblur -o out.png samples/blurry.png" does, without the kernel
// image and the report (res.Kernel, res.Report).
func Example_file() {
	f, err := os.Open("samples/blurry.png")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		log.Fatal(err)
	}
	res, err := deblur.Deblur(context.Background(), img, nil)
	if err != nil {
		log.Fatal(err)
	}
	out, err := os.Create("out.png")
	if err != nil {
		log.Fatal(err)
	}
	if err := png.Encode(out, res.Image); err != nil {
		log.Fatal(err)
	}
	if err := out.Close(); err != nil {
		log.Fatal(err)
	}
}
