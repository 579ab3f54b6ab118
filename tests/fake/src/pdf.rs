//! Small, valid PDF documents: what the fake answers where Halo renders one
//! (an invoice, a report). One page of Helvetica text, with a correct
//! cross-reference table, so a PDF reader opens it.

/// A one-page PDF showing `title` and then each of `lines`.
pub(crate) fn document(title: &str, lines: &[String]) -> Vec<u8> {
    let mut text = format!("BT /F1 16 Tf 72 770 Td ({}) Tj ET\n", escape(title));
    for (n, line) in lines.iter().take(40).enumerate() {
        let y = 740 - 16 * n as i64;
        text.push_str(&format!(
            "BT /F1 10 Tf 72 {y} Td ({}) Tj ET\n",
            escape(line)
        ));
    }
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_owned(),
        format!("<< /Length {} >>\nstream\n{text}endstream", text.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (n, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", n + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

/// Text inside a PDF string: `\`, `(` and `)` escaped; anything but
/// printable ASCII shown as `?` (the standard fonts have no other glyphs).
fn escape(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\\' | '(' | ')' => format!("\\{c}"),
            c if c.is_ascii() && !c.is_ascii_control() => c.to_string(),
            _ => "?".to_owned(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cross_reference_table_points_at_each_object() {
        let pdf = document("Invoice (7)", &["Total: 120.00".to_owned()]);
        let text = String::from_utf8(pdf.clone()).expect("ASCII");
        assert!(text.starts_with("%PDF-1.4\n"));
        assert!(text.ends_with("%%EOF\n"));
        assert!(text.contains("(Invoice \\(7\\)) Tj"));
        let startxref: usize = text
            .rsplit("startxref\n")
            .next()
            .and_then(|tail| tail.lines().next())
            .and_then(|n| n.parse().ok())
            .expect("startxref");
        assert!(text[startxref..].starts_with("xref\n0 6\n"));
        let entries: Vec<usize> = text[startxref..]
            .lines()
            .skip(3)
            .take(5)
            .map(|line| line[..10].parse().expect("offset"))
            .collect();
        for (n, offset) in entries.iter().enumerate() {
            assert!(
                text[*offset..].starts_with(&format!("{} 0 obj\n", n + 1)),
                "object {}",
                n + 1
            );
        }
        let length: usize = text
            .split("<< /Length ")
            .nth(1)
            .and_then(|tail| tail.split(' ').next())
            .and_then(|n| n.parse().ok())
            .expect("length");
        let start = text.find(">>\nstream\n").expect("stream") + ">>\nstream\n".len();
        assert!(text[start + length..].starts_with("endstream"));
    }
}
