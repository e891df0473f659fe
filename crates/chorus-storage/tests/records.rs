//! Property tests of the record format: round trips, differential byte
//! equality with SQLite's own records, and key ordering against a model.

use chorus_storage::record::*;
use chorus_storage::value::{compare_values, Value};
use chorus_storage::varint::{get_varint, put_varint};
use chorus_storage::ValueRef;
use proptest::prelude::*;
use std::cmp::Ordering;

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<i64>().prop_map(Value::Integer),
        (-300i64..300).prop_map(Value::Integer),
        any::<f64>()
            .prop_filter("nan", |f| !f.is_nan())
            .prop_map(Value::Real),
        "\\PC{0,20}".prop_map(|s| Value::Text(s.into_bytes())),
        proptest::collection::vec(any::<u8>(), 0..40).prop_map(Value::Blob),
    ]
}

proptest! {
    #[test]
    fn varint_round_trip(v in any::<u64>()) {
        let mut out = Vec::new();
        let n = put_varint(v, &mut out);
        prop_assert_eq!(get_varint(&out), Some((v, n)));
    }

    #[test]
    fn record_round_trip(vals in proptest::collection::vec(value(), 0..30)) {
        for enc in [TextEncoding::Utf8, TextEncoding::Utf16le, TextEncoding::Utf16be] {
            let refs: Vec<ValueRef> = vals.iter().map(|v| v.as_ref()).collect();
            let mut out = Vec::new();
            encode_record_enc(&refs, enc, &mut out);
            prop_assert_eq!(out.len(), record_size(&refs, enc));
            let r = RecordReader::new(&out).unwrap();
            prop_assert_eq!(r.column_count(), vals.len());
            prop_assert_eq!(r.body_size(), out.len());
            // Decode in reverse order: each column independently.
            for k in (0..vals.len()).rev() {
                prop_assert_eq!(&r.column_owned(k, enc).unwrap(), &vals[k]);
            }
        }
    }

    #[test]
    fn truncated_records_never_panic(vals in proptest::collection::vec(value(), 1..10), cut in 0usize..200) {
        let refs: Vec<ValueRef> = vals.iter().map(|v| v.as_ref()).collect();
        let mut out = Vec::new();
        encode_record(&refs, &mut out);
        let cut = cut.min(out.len());
        if let Ok(r) = RecordReader::new(&out[..cut]) {
            for k in 0..r.column_count() { let _ = r.column(k); }
        }
        let _ = compare_records(&out[..cut], &out, &KeyInfo::binary(3));
    }

    #[test]
    fn garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        if let Ok(r) = RecordReader::new(&bytes) {
            for k in 0..r.column_count() { let _ = r.column(k); }
        }
        let _ = compare_unpacked(&[ValueRef::Integer(1), ValueRef::Text(b"x")], &bytes, &KeyInfo::binary(2), Ordering::Less);
    }

    #[test]
    fn ordering_matches_value_model(a in proptest::collection::vec(value(), 0..4), b in proptest::collection::vec(value(), 0..4), desc in any::<bool>()) {
        let ki = KeyInfo { cols: vec![KeyCol { desc, collation: None }; 4], encoding: TextEncoding::Utf8 };
        let ra: Vec<ValueRef> = a.iter().map(|v| v.as_ref()).collect();
        let rb: Vec<ValueRef> = b.iter().map(|v| v.as_ref()).collect();
        let (mut pa, mut pb) = (Vec::new(), Vec::new());
        encode_record(&ra, &mut pa);
        encode_record(&rb, &mut pb);
        let mut model = Ordering::Equal;
        for (x, y) in ra.iter().zip(&rb) {
            let o = compare_values(*x, *y, &|p: &[u8], q: &[u8]| p.cmp(q));
            let o = if desc { o.reverse() } else { o };
            if o != Ordering::Equal { model = o; break; }
        }
        prop_assert_eq!(compare_records(&pa, &pb, &ki).unwrap(), model);
        prop_assert_eq!(compare_unpacked(&ra, &pb, &ki, Ordering::Equal).unwrap(), model);
    }
}

/// Records we encode are byte-identical to the ones SQLite stores.
#[test]
fn same_bytes_as_sqlite() {
    let db = rusqlite::Connection::open_in_memory().unwrap();
    db.execute_batch("CREATE TABLE t(a,b,c,d,e,f);").unwrap();
    let rows: Vec<Vec<Value>> = vec![
        vec![
            Value::Null,
            Value::Integer(0),
            Value::Integer(1),
            Value::Integer(-1),
            Value::Integer(1 << 40),
            Value::Real(2.5),
        ],
        vec![
            Value::Text(b"hello".to_vec()),
            Value::Blob(vec![1, 2, 3]),
            Value::Integer(i64::MIN),
            Value::Integer(300),
            Value::Integer(70000),
            Value::Text(vec![]),
        ],
    ];
    for row in &rows {
        let params: Vec<rusqlite::types::Value> = row
            .iter()
            .map(|v| match v {
                Value::Null => rusqlite::types::Value::Null,
                Value::Integer(i) => rusqlite::types::Value::Integer(*i),
                Value::Real(r) => rusqlite::types::Value::Real(*r),
                Value::Text(t) => {
                    rusqlite::types::Value::Text(String::from_utf8(t.clone()).unwrap())
                }
                Value::Blob(b) => rusqlite::types::Value::Blob(b.clone()),
            })
            .collect();
        db.execute("DELETE FROM t", []).unwrap();
        db.execute(
            "INSERT INTO t VALUES (?,?,?,?,?,?)",
            rusqlite::params_from_iter(params),
        )
        .unwrap();
        // sqlite_dbpage is not in every build; read the record via the file instead.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.db");
        db.execute("VACUUM INTO ?", [path.to_str().unwrap()])
            .unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let page = &bytes[4096..8192];
        assert_eq!(page[0], 13);
        let cell = u16::from_be_bytes([page[8], page[9]]) as usize;
        let (len, n1) = get_varint(&page[cell..]).unwrap();
        let (_rowid, n2) = get_varint(&page[cell + n1..]).unwrap();
        let stored = &page[cell + n1 + n2..cell + n1 + n2 + len as usize];
        let refs: Vec<ValueRef> = row.iter().map(|v| v.as_ref()).collect();
        let mut ours = Vec::new();
        encode_record(&refs, &mut ours);
        assert_eq!(stored, &ours[..]);
    }
}
