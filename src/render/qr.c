/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * qr.c: a QR code as inline SVG (libqrencode), for the otpauth:// address
 * a member scans to enrol an authenticator app.
 *
 * The symbol is one <path> of unit squares on a white square with the
 * four-module quiet zone the standard asks for; colours are presentation
 * attributes, so the page's CSP needs no inline style. The text is encoded
 * in 8-bit mode at error correction level M and never appears in the SVG.
 */
#include "render.h"

#include <qrencode.h>

#define QR_QUIET 4

/*
 * Appends the SVG of a QR code holding text to b. Returns 0, or -1 when
 * libqrencode cannot encode it (too long for any QR version); b is then
 * unchanged.
 */
int
qr_svg(struct buf *b, const char *text)
{
	QRcode *q = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
	int size;

	if (q == NULL)
		return -1;
	size = q->width + 2 * QR_QUIET;
	buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" "
	    "role=\"img\" aria-label=\"QR code\" viewBox=\"0 0 %d %d\" "
	    "shape-rendering=\"crispEdges\"><rect width=\"%d\" height=\"%d\" "
	    "fill=\"#fff\"/><path fill=\"#000\" d=\"", size, size, size, size);
	for (int y = 0; y < q->width; y++)
		for (int x = 0; x < q->width; x++)
			if (q->data[y * q->width + x] & 1)
				buf_printf(b, "M%d %dh1v1h-1z", x + QR_QUIET,
				    y + QR_QUIET);
	buf_puts(b, "\"/></svg>");
	QRcode_free(q);
	return 0;
}
