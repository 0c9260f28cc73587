package parquet

// Parquet files written by pyarrow, gzipped and base64-encoded so that the
// tests need neither Python nor files outside dataframe/. They were made by
// these two scripts (pyarrow 26.0.1); the second one runs after the first.
//
//	import pyarrow as pa, pyarrow.parquet as pq, datetime, decimal, numpy as np, base64, sys
//	n = 150
//	def nulls(vals, k=5, r=3):
//	    return [None if i % k == r else v for i, v in enumerate(vals)]
//	cols = {
//	  "b": pa.array(nulls([i % 3 == 0 for i in range(n)]), pa.bool_()),
//	  "i8": pa.array(nulls([(i * 7) % 256 - 128 for i in range(n)]), pa.int8()),
//	  "i16": pa.array(nulls([(i * 997) % 65536 - 32768 for i in range(n)]), pa.int16()),
//	  "i32": pa.array(nulls([i * 100003 - 2**30 for i in range(n)]), pa.int32()),
//	  "i64": pa.array(nulls([i * 10**15 - 2**62 for i in range(n)]), pa.int64()),
//	  "u8": pa.array(nulls([(i * 7) % 256 for i in range(n)]), pa.uint8()),
//	  "u16": pa.array(nulls([(i * 997) % 65536 for i in range(n)]), pa.uint16()),
//	  "u32": pa.array(nulls([(i * 14348907) % 2**32 for i in range(n)]), pa.uint32()),
//	  "u64": pa.array(nulls([(i * 2**55 + i) % 2**64 for i in range(n)]), pa.uint64()),
//	  "f16": pa.array(nulls([np.float16(i / 8) for i in range(n)]), pa.float16()),
//	  "f32": pa.array(nulls([i * 0.5 - 20 for i in range(n)]), pa.float32()),
//	  "f64": pa.array(nulls([i * 1e10 / 3 - 7 for i in range(n)]), pa.float64()),
//	  "s": pa.array(nulls(["s%d-%s" % (i % 17, "é" * (i % 4)) for i in range(n)]), pa.string()),
//	  "ls": pa.array(nulls(["large %d" % i for i in range(n)], 7, 1), pa.large_string()),
//	  "sv": pa.array(nulls(["view %d" % (i % 5) for i in range(n)]), pa.string_view()),
//	  "bin": pa.array(nulls([bytes([i % 256, 0, 255]) * (i % 3) for i in range(n)]), pa.binary()),
//	  "fsb": pa.array(nulls([bytes([i % 256, 1, 2]) for i in range(n)]), pa.binary(3)),
//	  "d32": pa.array(nulls([datetime.date(1960, 1, 1) + datetime.timedelta(days=i * 37) for i in range(n)]), pa.date32()),
//	  "t32": pa.array(nulls([i * 1000 for i in range(n)]), pa.time32("ms")),
//	  "t64": pa.array(nulls([i * 1000003 for i in range(n)]), pa.time64("us")),
//	  "t64ns": pa.array(nulls([i * 1000000007 for i in range(n)]), pa.time64("ns")),
//	  "ts_ms": pa.array(nulls([i * 86400007 - 10**12 for i in range(n)]), pa.timestamp("ms")),
//	  "ts_us_utc": pa.array(nulls([i * 86400000007 for i in range(n)]), pa.timestamp("us", "UTC")),
//	  "ts_ns_ny": pa.array(nulls([i * 86400000000007 for i in range(n)]), pa.timestamp("ns", "America/New_York")),
//	  "dec5": pa.array(nulls([decimal.Decimal(i * 37 - 5000).scaleb(-2) for i in range(n)]), pa.decimal128(5, 2)),
//	  "dec15": pa.array(nulls([decimal.Decimal(i * 10**11 - 10**13).scaleb(-2) for i in range(n)]), pa.decimal128(15, 2)),
//	  "dec38": pa.array(nulls([decimal.Decimal(i * 10**30 - 10**32 - 7).scaleb(-10) for i in range(n)]), pa.decimal128(38, 10)),
//	  "req": pa.array([i for i in range(n)], pa.int64()),
//	  "allnull": pa.array([None] * n, pa.int32()),
//	  "nulltype": pa.array([None] * n, pa.null()),
//	  "lst": pa.array([[i, i + 1] for i in range(n)], pa.list_(pa.int32())),
//	  "st": pa.array([{"x": i} for i in range(n)], pa.struct([("x", pa.int32())])),
//	  "tail": pa.array(nulls(["t%d" % i for i in range(n)]), pa.string()),
//	}
//	schema = pa.schema([pa.field(k, v.type, nullable=(k != "req")) for k, v in cols.items()])
//	t = pa.Table.from_arrays(list(cols.values()), schema=schema)
//	pq.write_table(t, "v1.parquet", row_group_size=64, data_page_size=2048, compression="snappy")
//	pq.write_table(t.select(["b","i16","u64","f64","s","bin","fsb","d32","ts_us_utc","dec5","dec15","dec38","req","allnull","tail"]), "v2.parquet", row_group_size=64, data_page_size=256, compression="zstd", data_page_version="2.0", use_dictionary=["s", "i64", "dec15"], store_decimal_as_integer=True)
//	t2 = pa.table({"ts96": pa.array(nulls([i * 86400000000007 for i in range(n)]), pa.timestamp("ns")), "x": pa.array(range(n), pa.int32())})
//	pq.write_table(t2, "int96.parquet", use_deprecated_int96_timestamps=True, compression="none")
//
//	# --- second script ---
//	import pyarrow as pa, pyarrow.parquet as pq
//	exec(open("gen.py").read().split("schema = ")[0])
//	t = pa.table({k: cols[k] for k in ["b", "i32", "i64", "u64", "f32", "f64", "s", "ls", "fsb", "dec15", "d32", "ts_ms"]})
//	pq.write_table(t, "encodings.parquet", row_group_size=100, data_page_size=300, compression="none", use_dictionary=False, data_page_version="2.0",
//	    column_encoding={"b": "RLE", "i32": "DELTA_BINARY_PACKED", "i64": "DELTA_BINARY_PACKED", "u64": "BYTE_STREAM_SPLIT", "f32": "BYTE_STREAM_SPLIT", "f64": "BYTE_STREAM_SPLIT",
//	                     "s": "DELTA_LENGTH_BYTE_ARRAY", "ls": "DELTA_BYTE_ARRAY", "fsb": "BYTE_STREAM_SPLIT", "dec15": "DELTA_BYTE_ARRAY", "d32": "DELTA_BINARY_PACKED", "ts_ms": "BYTE_STREAM_SPLIT"})

var pyarrowFixtures = map[string]string{
	"v1.parquet": "" +
		"H4sIAAAAAAACA+S9B1hTyfcGPHOTQIKgoCQGFUWECIrSm6ISOgiKHbBhQVFRUVCxo6Jix94VO/ay9hrFtWDDuq4V67quBXtD7vdO" +
		"EhAk8sP9u8/zfc/Hwztn5szcKWfamXvPvQlXtnSUEqmN1M5Omkzh05PqVZNTKqdEVsVGTU1MCCGmoRK4Jh/uDH95CM4K0xD8U6lQ" +
		"ukAgTReESntISUVCztLcM8k8z08EpgNLgFXABmA7cAQ4AZwDrgD3gb+BXOADIEIZhkAloApgA9gDbkAjoCnQEogEooF+wCBgBDAO" +
		"188EFgDLgbXATuAAcAw4DfwB3AEeAc+AzwDFtWKgAmAOWAF1AScA8hgoHayWjLFGMkJWlFzIGgn5FAmppeSZU0xKehW8LQz9ulQL" +
		"WmkX+sAr3CqsdUzHiLV9O/w1Mtpmevdey2I3bIn753C8nYAVpUOUBBk/QruyIM85M3h+6Gye7zSf530X87wR5PoabfwDsj24hecn" +
		"7Ob5Pvt5Pvwwz7tq2/sQcj59kee3XOX5pNs83/Eez/ug7bUh81eQ+bW3EM9Hnk/P4/neQkKaQw4ukL+ZMSEPKhNyqiohm2sQMqsW" +
		"IR0gEyX6QuFMSDl3Qq42JmS/DyHLAwhJCSGkGfrFuS2kEUXI146EnIwhZFMvQmb2JWTwAJ2iZGy5kDWSifJb6D8RJSGqVROoKsBI" +
		"oJpaRU9lv0Jfdam2RDVoi4HqwAEjVSefCip62li1unlF1dMOUtW0BzKVQ2+56nKumcosv5rqYEp1VedyFipuVk1V0HIr1T/WCtX0" +
		"TbVVjs62qiHedqoqJ+upDoXZq6KvOKjW3nNWBce6qp69cFPNGOShujq2oSpJ0khVNa2x6rDMWyW08lWt2+CnCnEMUD3fE6hy/j1E" +
		"da1pqGropTBVtcjmqq49WqpEz1upMhLaqJp+bquaqR+lcpneXvWHaUfVsMWdVDpEydgQHhrJRPkt9AtEuU1PulOvQJQLwJTQt2lU" +
		"RZJPrB41TaAiZFrw1yr6oFVmf3YtD36O+9BME4TX3foQLkW475jBd+Sgn7MSPtUA/2j/1xNqITzRdIBpbYSb7Xu5og7oTe75QUfw" +
		"V6zrE+KKcGzo0z88EK7/KjbGC/RAgx7JvuCPvfvQKBDhoJRui0MQrmB736YZ6JKBd33bgN+1cqeLEQjbHrzVqQPCL6PbP+sMOmJD" +
		"hH5P8H2b/zGnN8KSt20s+yGcveDK1gGgHe9fzEoCv9bE8IgRCD+te+HRaIS3ZYcljANtVKXp9MngC4+crjod4axuQetnIjxTfNJt" +
		"Lmj1lsdbLAH/4Xufu8sR3rj4aNwqhAd4e39eC5o/qZF0C/i/1z+4cjvCUy43cNiFcMukfYf2gt49uvv6EfDX9HDtkYlwXLmdb04g" +
		"7LTNaUwW6JFP9ksugj9h2RbbqwiH+tbbcx3hSk82+t3SMSjEBVHMp/5jg0MH9z+ab0QfKA9UA7CCkDqAI9AEwKpBwoDWQFcAKwWJ" +
		"B4YA44GpwGxgEZABbAV2A4cAlvkl4E8gB3gBvAPyAFYf1hw5gJWLKAAXoCGA1YoEA+2ATgBWKBIHDAPGAKnADGApsBrYCOzQtQu4" +
		"YY7lqVd+1sz/SnyPEJkFGc7BzjQUO2InrMi+WJGNIMvXaNcfkOfB+hgP2B37NCAkHCuyK9rIo40PIdvTLQjZ0oaQJKzGHbug+Whv" +
		"bcj5FeR8LZGQA0mEpGMD652ClR9td4HMzdKw8s/Hyr8YK/9yrPyrsPJDDkrIX/EbVv49WPkPY+U/hpX/BFb+LMxf9IXzNUjjBlb+" +
		"21j5H2Hl/xvz4jlW/lc/EB+L+G/F1+f1DXLt4S666XQfQeWDAcKxW2qKnqfniTLH79CvnzRNvLB3rETY0dfghvJTOX+XK4bbFFuN" +
		"qppNLv/qaxPjDrlVTE7ef2fidDW7onj/BNOETV2kd5Z5yYJnVq5cY/A5+eTYDLN3UeOqRId1qurmZGq+wuqluWHlrOpDJGtqhL2I" +
		"qrk3x9Wy1mXjWtN//6dW9w0rrC8sGaFoMKNd7TVjnGyG93hi+zgis06LpsvqHmw01G6WpX39r6YG9rH6j+wvfzrisP7OICfTi+HO" +
		"ozPrujzdpeeqU3ws4peJDyv8NWHRFd6IEioSi5MJB5dQoUQs5ESMwekxhkCf+QUSsIUGjCEqxxgiQ+bXKw+2fgXG0DdmDLEJ84sr" +
		"gS0xZQwDKWMYyJi/nBxsQzPGMKzCGEZVmd/IHOzy1RmjQg3GqGDB/MaWYJvUYgwTK8aoaM38FWuDXcmGMUxtGcO0DvNL7cCW1WMM" +
		"WX3GqGzP/JUdwZY7MYaZM2OYuTB/FTewq7ozRlUPxqjmyfzVGoJt7iUS+5HqjdTLZXL1xpp1s4aunhEXRBYur7+ih85S6SVa0EM9" +
		"ctnC5YBlzYN4kgakYbIXaZTciDQmTZKbEG9vb5U3UXork5XEx9sn2Ufl4+2LfdOX+Hn7Rfsl+6X75fgRfwt/b/9k/3R/lX+Ov0WA" +
		"d0B0QHKAKiAngARaBEYHJgemB6oCS24pnCpQzpFkbCNa338zedOPYjcHFgBpwFQgFUgBkoB4IBaIBsKBIMAb8ABsAAtADhgDBMjF" +
		"LpnDdnpgG5AOpAHJgDdgoWLbIP6PgB7Rdht2qWS2U3kjHvAGooE0IB3YBkDQJAfIBYgSxwhADlgANoCDUoeqxtjMTT/KVLVvoV8z" +
		"kd+Kik5kEVVVU23ckGV75eoT5cYNDepcufoRdCCo2KdNG3PX4HIVsGM8rNE5vSLCnmvMDkipseHW6blVqXEoYmuAG3ibVqqJVK+R" +
		"yhKxSGRNje3+GhxU22fjhiXIy4bKDfs6dquDyNf/jKxHjeNwqT0u+dSwVagDsmiGLBxZGFk44dqjRj2dce2qrgfrueBaQZ+3Lrg2" +
		"4NQYN03G7uyaSdYVPBCJ/D0QifwbgJTPsW1IbVgNGyKuRaM9XmDOXuTXGASFNqE2odc+XGziQ5LzULa3T5urLVC2EtnWixys9NlY" +
		"Z92obX8qcekF/UY+uCZ+t8AXBBXyRbYmMVm+iEO1/MBEtRhpfaydP+LQbH/EvYuvHgDm/BqPQMJR10CWqcf5jYGsLNQ5yEeHKlYQ" +
		"VbAqVFOrYiW5v2AQLBFLUwtX8+nCaoyd4FBPRPWNHetlrtenElMn0Mz1oqrERVKVuJpUJW7wS6iCuIvKCRHhZeyJFGIqEzo6iCoT" +
		"A5EhbUmbEqGovNCpnsSSuJhb0kgzS+Im6Ud9Rd0kk4ymEGeJOW0sWitpKFpL3JGth8laOp1kGqXQMNqV6BmlmGQQZ/MJtDW1kmQI" +
		"XeuJoiWeolSTU6K+xEnSl3qLzCWpRmuMjtWsJvKns3FhhNChniSFNrM1kOTY2tFwmiKxom0kVo0GSmYZ9SaOkrUSd9EkkxMoz1Wy" +
		"FmWbox5exNNoMm1hxwSa4OiobqeuZVo/wVMdJxdANL9iETOQ3sEi1k8t9KkiG6b6xnUZ2DPGwsGsHHECnAEXwBVwA9zNygk9xdII" +
		"iNjckDgCToAz4AK4Ae6Ah7mheRxiChDNIHRyNQsqwozDZdFanAXiigC8+tEEbBcEvyFai+J8V/A0OAvEFYGG7wa+m3mci5uTuLB9" +
		"bs4l5VvRRl8T6SnXehyKyvjrqCN3X3748rWsMr6Q2FcAGYdLvUKlYrWEbaz0kNHgXjFDLBykBsRRamDjVMhxQYUaSBsX73A9TZRc" +
		"QzXVMY8v1uVchYdF/qxYt2YJpYvQrQHqQtdw4UR7wqCEZ8VxhMc/NSFCiYmhiPAiiQnRl+gTA4ncsBzhy0kMDMsTvjxmgzESmBDe" +
		"BAkqwWtKeFN4ZUhrhrRVCF8Fac0Jb460NZDAgvAWSGAJby3C14LXGmltkNaW8LZIa0d4O6StjwT2hLdHAkd4nQjvBK8L0rojrQfh" +
		"PZC2IeEbSqo6NNJUujHh8a9rUuhpouQ/1liE4eQEtfBeaWeYTc4LvL2twkzD6TVRtPfavtWy6R39ZG8bTjMhdnDS/VzBKrSQ5i4g" +
		"lKOU4ygnpJyIcnqU06echHIGlCtHOUPKladcBcoZU86EcpUoZ0o5KeVklJNTzoxyVShXlXLmlKtOuRqUs6CcJeVqUc6KctaUq005" +
		"G8rZUq4O5ewoV49y9SlnTzlHyjlRzplyLpRzo5w75Two50m5hpTzolwjyjVGKTokIQBfLkCV/wv95sArns8BRK95vjmQCCwEDgPi" +
		"NzxfD2gJDAGOAo+Bcm953gEYBiwHjgN/A87veD4CGAmsBJ4BJu953g1oD6wBsoCXgOkHnu8EjAMygHNA5Y887wV0ASYA2cA7oMon" +
		"nm8CTAK2AJeBj4DPZ57vCUwFtgM69BvGlgtZI5l+8y30X53zniAyG+ttOo7JqTgmx+OYHIFjsg2Oyca1CfmIY3IOjsnbcExegGNy" +
		"MjT0WOgiHiFQ1JpBaWsJBQ7HZBWOyRk4JqdBu07CMTloAHSzQVDohqKQkSgDx+S9OCan45icimNyxAIohUtQTjrKWY0ycEw+hWPy" +
		"NhyTF+CYHAtFMjwT5ZxEOahpLo7J13FMVuGYnHEHZTyGQvkU5bxAOa913iBlbM0pj4nyW+jXqIrvvzvziX19KogMxBNS2LnLUNII" +
		"bvOmoXBnTWsP9+qF3nDbt54Ed9m8BXDvXV8H16rqHrgbll+F+/zeQ7gOVm9FYsOEHgJKJeJPT2uC5VXPEe7o/t5wj21vDjfIrR/c" +
		"KUkj4Z7fPxWuydfFcOeP2Q/3RuZpuOZ6f8KNDnqC7B6f1eNorNi2Ajs3xrVgB7+ts9nJzVXeCm5SVFe4B5YMgJt/JxluSrflcE+u" +
		"2QLX4MkhuGF1zsG9vOUfuLJXn0Vim0hnAyYPsmQQO4JafmbHvxivQLgZo9rC/UcVA3eAfwrcnRNni8ReH06vVF/RwHCHmurQ9Qqi" +
		"vp0Ama5XkvtrevGJqHgvGupnLWpIyxmWn+M6hIoNq9n0eUHFdrVei+qwBx11DqbHgOs4oeEKcJtUGSBn63XAw3KtwQ3bsnYGSOsk" +
		"5RlEdjUc4sOK6XXNZBS48emb9oEM6R34DpHj80fEsaE49VTlDHBnz9rxANxFHcJqsEc4Gblj54G7db/5JXB3p+w1YhvPoWatgsE9" +
		"cz9VBXJpU608RP45+LA7U5ZyvCMTwH1xZfpTcN8ts1UwOeXFHu8CrsC581JwTU7OMWXSks+0Dwe3RvusKSAK65iTiHTZt6ixAbvR" +
		"N851GLg+Ydm7QIIr93mFyHYb02PLsbt+gxquBjemybW74MZJBlRlT5uGLV07C9wxPZXnwU11vCUxYncCvwz2B3fpjE0HQVZHBn6k" +
		"Yq+Nte47s1uaO56P6F9ed/cXRBXv/pLcX9P9N4p0vx3Jjapbmed5/dAxDqhz+Yx1rmwIRL9tAlLrYBXWnjpyZQgbAYk9m4M0sdsZ" +
		"CRKQeqMTGwAPSXc2ALxr9wLp+jGBdUmv1ouSWP9vU41k/W/411iQ8cedp4FMtYhikps9Ink+yKLra5eAZKS9Wct6/5nZJpDdQd7b" +
		"QQ6t7rGbdX6H39Sdv/fP30H+NCUYaYY58Yps1vc2CTdA3qUsROcY5uUceYjeEDR6/Ddrksk7p7fgyltEfmJdv3l0PiIVkrUCOSJd" +
		"jr7G8mXY0NysEuv6oU3krOuvxpiDtJu2ozZIp7+v27Ge9+cdQeJWWLuDDIscqGQdv2tBAEiqyZGmIDP6PmKja6m1U3vW72Miolm/" +
		"3x4Vw0ra4bmmN6O6+l0bhR7WdoO630twf02/79ArPu3fzqD60X+Ym7Jb7qotDdmD02rJHYcwjbVWjsvc7mzuexv+lsRuwac/yGa3" +
		"15tEzzLcxWa/qled0+x2vIUy6Da7JZ8s7/GK3Zb3PrnCDItGr/RlR+pRdnt+8G0l6JDosC9tQMdb5LmNAp2afLn1LNDZORsGrgVd" +
		"5D02bT9lt+0dz94H3RotfvoedLfqrn45LDeHLPZY1wA9kxPTJRD0knej0e1B/0w3XdqfY7f0n+0fB/pCtej9RtB3FgNNVaB5ycFO" +
		"V0AF9yzCn4CarLgwxRiNl9N1661Aa3QZddIDVHG0zaNQUJcxwpqDQBveu9l4EqiP8rcOS0GDV0weth20XRfP3X+CdjpqfOU5aEzN" +
		"J68oFrW4MUcqyECHKfs1bQw6ZoV/r5agqdR8Yg/QGV3erh4GurTmqpyVoKvHDMvfDbrxXotqZ0B3KG0b3BXqXhu0Ud+tDSW4/90Y" +
		"Ic1nzmnGHssss7Rdyh7NePm3bEBJLTLl2uNUSuqQGz2H/0GJI7H9VEHBkSbkZFXPTI4EENnmcyYCEkZiGneNFpDWZOeF91sEpCtp" +
		"+bpGqJD0IivG7VwkxBjJNQ3+W0iGkCZrb7uLyHhy+5TeVRGZSuyiFtfSI7PJ8H/sB+qRRSRrxHGVHsZI7PLnHfXJVrLHYewmfbKb" +
		"6B2TfdEnh0ibVhuDxeQMeTPoymMxuUR89Hu5SsifZOaCr+MkGCM5trMuScgLMir0QH8D8o6cu938sAHJI9X6P8TZS0D7kKHtyxET" +
		"Kqm18mM5jJGInW6BhqQGXed/Zq4hUdD31zo/xFmbzvmUOsaINKQPJptnGxEf6lRtR/XyJJiO2RzQtzxpR2tk9zeoQDrRfl2EkRVI" +
		"DD30esG6CiSOGqbUe1+BDKMb1radbUzG0E/u/9wzxhgJOj3awYTMoPOjTEebkKXUdWSjahXJappS/lLvimQjvby8x76KZAe1dPyi" +
		"X0nnGNFGfTdGSnB/wRgpcUjjnyXxz5byz47xzw35547887b88+H889/550/5FxX4Fy78i1H8i1X8i1P8i+f8S3f+ZQf+5Rj+5Vr+" +
		"ZS6fK+VzG/C5nfnc9XzueT73Df9Kzr/qyr+ayL/axL+6yL+uyr/25l/H8K8n86+v8K8/8W+q8298+TfT+Dc7+Dd/8G/y+LcB/Ns+" +
		"/Ns0/u0uHuebd1b8u2D+Xb+SchKAC+dZEqRT6P8FMskSSa8U7qmPuLfdKf/+r+3Togn/Pv+zMIjwH2Q+wx1A/C7jkMB/6FD17hOQ" +
		"hO5ts0Embzq3F2RfowOpINkTnOJB/jq/PgKEr2zhTfiP9TLKG4P45aZ8BOng8SUHJGHMwFMgKytGLwDZF/VHMkj2qmaxIH/983s4" +
		"4T/JRvxmAVLv9zpiEH+j9FyQDm0rXweZ/JcoA2Sl/Yg0kH1D3iSBZKt6o9af+BYRqO5n2cILcpB69wNQ68/+dQ6i1p8TDmxAdT9P" +
		"EdZMB1kZugC1/rxvbgXU+vMT66+o7me+X6IN4b/Idv+DWn+ph5MiSIe05qjul4TrJ7aBTKnZCLX+srLXTtT6S/bnlajulye+Zh4g" +
		"/JQ01DpPdkUftc7z7/4W1c3rsLmPCiTh3X3UOm9K48g0HRNBXxsDj6YD0NEleL+gw3MMpXmSgg7fphfP819MLs06vHpYK+PRbJ4h" +
		"XH3AkfaJqpP5vbwlxlZ1jf/56K/v9axVssTYwq+5v+OjOYpTNkYOFuEvBpzfdWPx7orwd5y2rM+Emsar8owcrHrbnRG37Tl+5mOV" +
		"xNtiXB8r5fu3/fseQKI0g/A7Jxs8bL8G/iXrRw6fPyYyeAb864M2yHuePO8+zCje4thEQUtx672VmoF/QWH/4vrietQD/pu/d5iS" +
		"cW/Fy1rwP+k+yWaojey2kSTeKo+uvN/VbBfZe0/iYJVX3qd8/t9fBq09ywJV7jVcvF/5dM5u1Kl2cqzH5NTOY9OTRSqrPO/DRwfW" +
		"lQZ3GoTMwjq+KP+l/eHQzvBHfq2y8cxK5wbB8PdYEhi0+EmGjTMqNfpG+livQbOEYvCnDj1Xw/Cg3qvX8C+Ufzpwmxt+9xb8a/Yq" +
		"IjYH5Z47ifSH34+eFXb1xvrF4J+Zu8m+erXm88fDf93l+pkXXY+Pj4f/4RVR7OH1nglRSJ9fsdPKzm61mtdHtb8abJ/SxH7EgkZm" +
		"LFA5fM9NPtOoroAFar18mJQtGSt/jnZ/bVS/0Y74eX3eHkNewed6N/e+lXN/E/xt4+Y9M6nVJnse/N3KZabe65V1OBlljAipdmzM" +
		"+52L2oCf+ndw55aNbFObwD83dVCe5bhlg23hX1l75YLXWZW6myL9gZgvl2a3/drkCfinRDb9uy0dWO8S/FdWtzF0fvBX1UPw3/Md" +
		"s15Yp4NkHdJ/HnPj/uo9/o+Go6b5+jX1Ryd+3X+5BwtUUrlU8/ezPxoucXDJt+gcvU86efXWBsk6TxPGPF88CeMUH5+YFmVI9Qsm" +
		"SrJYukwYqrYSxExJFmqeExuJCQcIACEgAvQAfUAMSAADoBxgCBgB5YEKgDFgAlQEKgGmgBSQAZUBOWAGVAGqAtWMxEJzIqGkukRf" +
		"SGqAYwHUBCyBWoAVYA0ogNqADWAL1AHqAnZAPaA+YA84AI6AE+AMuACugBvgDngAnii1ASu1ISvVC5xGRmKvxt+eEhLtfYDu0thi" +
		"G3lBVJGNnNjo4Kq7xum4nkmZ74bfTdrycsRLHn1CpNi/ibpDWBWMpaZFb2Qmq20b1U+AmPd/pf8+capQOgsdPlbT4SncWwHLj1D1" +
		"nW/NjXB2D4Cd+PW05j6sUWyMsZN4Oa0xp5HWDIgZWBprzXMqao08TdX1YJIhpLLWbMdMa/xZVWs6xIwyq2vNeSyAmoCl1qSIGWta" +
		"a818amsNRm21pkbMiNMOqAfU1xqSOmhNkJhxp7PWNMhVa2DqDniwWcJu72hNhry0hqeNtV3trZHbEk46nYPkuMJbdd6F5kDo5CIh" +
		"dedOp6aM1NwATTs3SS1hTqBfM9nb20JuKE7xORrtUc041c9nRYSdfGpA5r0kL4u0ID/LhaE2c0J+77qvg8OC0IBVf8Z5LGl28sGn" +
		"Ed7p4UFWVaYFrW55unuDpeEZrUPWRG2O2NT2zKNhh6K3RYQqFp+L3Rl1rseB2/F7OzRbd/N50sFOF/768jWZzWGh+uFgwRzmcvn/" +
		"v/eojtuuTYr1ZZPvDb00M4T7V/N1v0i6o/AO9m3OlEk90UGkRxwBJ8BFpCd05Wh14oaAOwKeAlpR6Ogg0SeOgBPAnu64Am7qpzz6" +
		"Eg9wS4fz/4DL/4Br6fByc2AySXRz1BAnXY9UuERPOZfo8H/eh35gqy4vaauuzhvOHB9b/Ash/XSBNAPSj1VLP5vmXmDzNBDAiZi0" +
		"AboBvYEBALtVMoHn+WnAHGAxsB7YBuwBDgNngcvADeAe8BJ4D3wFhNpJYaYd5LW1A5MNQF8gBIgAOgM9gL7AcGAsrp0EpAHLgDXA" +
		"JuA34ChwCrgAXAMeAv8Ar4FPOm9LCYerhy/LFDIqEiraEQWSKvMDWY1CUFKcQzF3R2KtGANRpPD8vqloAtoxDvKLXcDzTuk8X3k1" +
		"z+etg7g28vxGtCkNshx0gOejjvC81Umel5zh+RfnIdZLPL8Uch17h+d73uf50MdowQuoNezp2Tue/x3tnYGFKxGLVSRa0RiLkhgL" +
		"z3MsOJewyOyBzMdg8eiBBaMpFgkHLAyfsQDcxXw+DvmvR78nNEcXtMJ60A7rT3tCnnUl5CL6YjfGwOJ+OtcG1jy5kDWQifNb6L8Q" +
		"pyqji6qbfTeV3u7uqvVePVQvg3upZmX3Vrm2i1Ndv91XVf2feNXRAQNV3T8mqPRHD1KFTU1S5VYcppq9cLjKzWKkakS9ZFWNnWNU" +
		"xxqMU8UcTVFtPD9R1azNJNWrm5NVc7pOVd3oP0M18n2aymLkLFWmYI5KYjJftWn+AlXz6otUr1cvVnnsWKa66ZGuGnVkhapmwCpV" +
		"z1ZrVQY31qk2R69Xhf+1QTXv7WaV5/Ctqlt0u2p06g7V73N3qWKr7VGVW7VXtcV2v+qt2yHV/EOHVQ38VKrbWUd12a0ztlzIGsrE" +
		"+S30C8Sp0pNm6RWIM13wdjkGS7rj+s4PVCS5x7Xazx+rsJEMXzvsKcJvaliLX4Am97Ks9Q78wPIrtn1E2Oi3Go3zEL7SbtkZHrTL" +
		"isWP9Y6S5NoBVRINjhLy4ukCWh7hnTMqzzABVf5puoEZnolHzXavhvB5y4q/10B47sm0lrVALU2m960D/pNdhl/qIbw1akqqI8KD" +
		"eInMFZQL1nf0Av/08/GHmyA8A/qXL8Jt3cf9GQD6IDn5bRj46635MS2YIVzWyAptEHbrn7ckAjRz76c9ncGf3DHJvxvC4dyHSz0Q" +
		"rrxuUHRv0NW5A4cPAL/33FfiQQg7Noifl4Twhzsvao0ATbF51ngc+E3P9T47AWGTgX9HTkb4uiz2r2mgMdEx3Fzw64oezmDGea/X" +
		"dzVfgvDeZvc2LAf1X3Dn97XgGzbq2GoDwpfu3czZjPDCCVH9toMqsttN2gv+s8RrsoMI/2bWZvURhIcevuyYeVSXCbs2imnLms7D" +
		"ONHB/U+mH/gngfPAVeAB8BRg98Y/ajUkI63GU1WrpThotQ6mXYQCWFxIFNAF6M8MVDTPkkkKMAtYCKQD6wB2L/4gkAlkAdeBu8Bj" +
		"4DnwRaulSbRaV3WtpmSn1XyUQBCARY20Bdg9/z7AQGCoTjN2TLkv6g2B++6E+Ms2hE+o4ldsCJh7L7Eh7oP2uAx1HweZxWKhdsIi" +
		"XRkaXx42x3vQ7jaiHWmQ3yAs1FFYqK2wSEuaYp5hg77ckpClkOXYToT0xEIdioVahkX6CzbrnEGE/I42zhiDDWE8NoRJ6IJpmIdz" +
		"IboF2BCWYEOAnMdkYEPYhPG9DV21ExvCAYj4CDYEyHw9+joBDYm4jA3hD8zVm9gQ7mNDgPx3o98Xv/iBCFkDsQnQ/0aEqkUH3epO" +
		"m+8+b/RADzowzPOPtoKGPsF3Gm5uuM9LXn9OoxcVQ5pEiqy9j3/gve2f3lCKLqT5xh/t43fztwD/gLU1A6pN+SNw4sgdQa/7Twvu" +
		"2DU2xDmweugyz0+hErsrYYnVtzYLEcSE73rXpIXFkyotp9x417LLkY2tz26f0MZ9dZe2K+d5tUsa/jriQd9zkc2iM6L2tRzXfoa7" +
		"Z8fPtqadYqq97JRdPqvz2jeju5g8juo64rprt7+yjLsf2noixmblih6z54zomT+hXeyVPka9m3R60ntDeGYfqe+yOJ0iZBFY+NHU" +
		"X7PwPxV+W/hxGBNRoYVSpC9OtvBhlt01fZlld01/iVhoGcAYtdgT/+RaQcxvFQK2dVPGsGbGD0QRxvyK5mDXDmcMmxaMYdOS+W1b" +
		"g12nDWPUYQYDpG475q8bCbZdFGPUY7YTyfU6MH/9TmDbd2YM+2jGcOjC/A7dwHbszhhOzN4g2akH8zvHSsRil16EUnGyS2+qj7nj" +
		"2odFu/ZFerX5BHHvzxju8czvMRBszwTG8ExkjAaDmL/BELAbJjGG11DG8BrG/I1GgN14pEjsl9x4lPZexmiNgXsTXX0kLoiUi701" +
		"yS1+QV9lU+k1WtBXsbk9SZBxkEWQQ1B4UHRQfFByUHrQtiBVUHZQbhAJNg62CPYODg+ODo4PTgtOD94WrArOCc4NJiHGIQ4h3iHh" +
		"IdEhySFpIekh20KyQ3JCckNIU4umDk29m4Y3jW+a3DStaXpTVdPspjlNc5vqMG3PbSrnSBC2F63vv5jMhHhjlQ4CwoEIIBaIB5KA" +
		"ZCAVmAqkAXOAJUA6sBrIALYBO4G9wEHgOHAKOAtkA9eBW0AO8BB4BuQCb4GPSs1LUBwgBPQAA8AQKA8YA6aADJADVYDqgAVgCVgB" +
		"NkAdwA6o76PTvL2+D3O9lUyj+xb6NRP7uujbxE7cWGddnStXg5jd9fC6nsHM5vvM2CXBzB672g1eZGx4KPVEiMZmvCm1MezsPg1E" +
		"vHV6LqJaNNoTiqgVc6qEIer1PyNBxL6+9xD18NW6Zhpr8uaIGp/eDyTu2oeLzX2Id37DVqHhPm3mtnqYPzLcZ+PTjKkbtoZTudil" +
		"Lbty/Ga/FriyXuTgFrjymjADRDxq25+IuqDfqCWihvzWryWianROBxGfMriEKHlX11YaE/RWiOq1bwGI2CQmC1FdD9ZrjSiD2M6t" +
		"EfVbpZkg4vZHjiFqk0zRRmOc3gZReX0ngYjXmB1A1Lv46m0RtaxaeFtEBZwaAyJ+kfAbopqckbVD1F+Dg9ohKs1yGIjY4/xGRE2y" +
		"rhCBKMeL3hHUxuHPEQMjWDvH2qyO0GnQro2Siwt6gSlmJbm/oNv3iqVzCtfzJUILodq227menkhs7MLs1EUGcle1NbeByJC4iQzF" +
		"metFovKGGmN34iSSEQktR5xF5RAhoEZCl3qiGhJXUQ3iXr8GEXrUEwUKPeuZdKItaJxkMnEymkxbSSbTOSTTqDpxkzQiDiYpEi9R" +
		"jGSG0RrqIpogOSmqKZlptIa4S9bQCSaptI1ZKnE0SqXtbPVoazML4mpkQduKekuaWHPESbKWZoqqShqIxkvSjNbWlItqEg/rmshh" +
		"lkmu0KGerRBZZNB2yMIFWUSKlJJUo7+IIyrQRNQLxa4hrpKqUhWd5pG5nkkxwUPdVF1m7XIbidasPXO9XJTgAO+vmHUG6luGcZpZ" +
		"J7IrYvrtWtxSnXiaGQrdHYqbspvHIboA0UgWLfRwNAuCJ64IorU4y8JCTwezaOKJCE/zaC3OasNxYk8PiWus2NHBoT6Ub0fmODHH" +
		"mTkuzHFljjscp1i03bwKEg0ixZxYjSN0dKvfjBSPdGKRWuc2cwYRDydXSWGbHZ3cSgre1EastXf3kEu06RyK3erSWryPKrvJuxH5" +
		"ocm7i9SAOEgNbBwLOU4lTd7lpZm8FwyF4ibvD1mR14XStdizgtSFbuLCBeq73mrLcSXh8a++YSwV+xKe6pMASTXDQMIHSgwMQwgf" +
		"IqlKQiUmhmGED5OYkObwhhM+HN6WEn3SRiI3bEv4tkgbSfhIpG2PBB0I3wEJOsHbmfCd4e2CtN2RNobwMUgbS/hYpO2NBH0I3wcJ" +
		"+sLbj/D94I1H2gSkTSR8ItIOIfwQpB2KBMMIPwwJRkhMHEYSHv+sIaN1Gb7LbQSjv7d6LzZXuBbiCfEWkyztuMvi6bneM61CuTaS" +
		"efFdFiriuD8ky3LHrLCZql2qOKmKK1yqaO5ib8opKedDOV/K+VMugHKBlAuiXAjlmlIulHJhlGtOuXDKtaBcS8q1plwbyrWlXDvK" +
		"RVIuinLtKdeBcp0o15ly0ZTrQrlulOtOuRjK9aBcLOV6Ua435fpQri/l+lGuP+XiKTeQcgmUS6TcIMoNoVwS5YZSbhjlRlBuJOVG" +
		"UW60LsN3Jglm+O5d3PD9V2k/Xz7zvMUXnvcHegM7gT+BfKBWHs/3BWYBe4BbgOIrzzcF4oG5wF1AmM/ztkAzYAFwCLgP6PM83wIY" +
		"rL1TqwIMtI8IWmsPwOxg/YSoH1sSJ2AEsAI4AfwDuOIYHAWMBlYzAzSgEoYNMyrrCKwDzgKvAJlOAy8hY8uFrKFM+/kW+k+Uyc9o" +
		"zlfmp2SviJJUtCvehJIIKSXeZpQY16TkoxUlOTaUnLKjZIELJckelMR6URLuTYlFECXiUEpym1NyvRUlGe0pSetMSVI3SqJ7UuLQ" +
		"nxJ5AjP4o+TJMJQxlpL0CShnMsqZjjLmUWKzCOUsQzmQ46n1lGzbjHK2o5xdKOMQJR5HUc7vKOc0ysimRHUF5VxHObdQxkNKgp6g" +
		"nGcoJ5fqEidjQ31EQ5k4v4V+jTI5uYgyaaNKy1bbZwsu38XxKED6Eu6kdvkisWGFW9WE1ELcsrodWHOjG8K9vjIEbqfaveCu6MXO" +
		"Vg83ToRb+8U8uJsH7oKbu/M4XOcPl+EO9nyAjPIOURGNFjch7I3osT7slebfU9g7yU0lzeBOb9oR7sVpcXBNs4fDXdR6Edzb89bD" +
		"tfhzL9xuVU/B/Xv5Y7h2998h0/5WIj0aL97Rg71b7fEPe695eD12zD3cn51T6Q520JzoNhpuVtJ0uEYHlsIN/7oJ7rUxZ+CaHb8B" +
		"t4PeU7jLgz4hU+tzlfWRaWyF2mBtbOEG98Vsf7iJcnZM3ROFU6bX5yVj2QNC0ujuTP0fmMIXRMnFBeJlWmJJ7q/pz7FFbveGqsbs" +
		"eMyeUZ5sGmbJnlOelz7pSMWGV++OXUjFdg8S9hqze2hPG7UKBfeV/ouJIB8vpmYiUq/H4QasQkYOkYPBNf38hlkwVz0+/TkibSOO" +
		"d2ePdRwsO6eD6/7s001wG++eU5k9/QwNyZoObivTmCxwo+7wInZ3sEvGImZn3N8rey/IYL0+bxE5MlvkwB6UpixK7wPurPrX7oO7" +
		"8GN8dfboNP1YuShw101dOxfcXRa3DNnD1INPBweBm7nTJAUka9SmI4i8XvG+G3vKevfWiIHgPl5beQvI8/gdfyPyi/BJNHsCxV0Y" +
		"y2yzJQvNr4Nr3G1vJfZAtvqH55PBtT6aegJcuym1OHYj07nN4UbgKv9+sxMk6LfpuYhsPtLWjj27bRt4vCe43W9+ukPFHfqsmVOF" +
		"Pc0d2N++LaNDPbNmmuseCwVR6HVt17CxUJL7a8bC4yJz20716lUiM8I+GSZn7wacX994NBsKohgmxQeHtrMue2p2fTYbCYPyF6hH" +
		"gtUyEL3JA9jrDUaP529mA8Hn8A42EJY93ANi29bxGIjDjnYn2TgoP+osSOPeqy+ChFq+usmGwajK90CibjR6DNLFrfs/bBS82PaO" +
		"jYKQPz6DjFz7lYd0UzgrkRlqOGt/fAVwF8rmm4KkDzxkxgbB+QfVQXZNcLAFOXi/bX02BhqPdGZjYNEqD5DrLXN9QO5ukbHx8dig" +
		"URgbAj26tQT5Un1bBxBu+DX2LoXkj7weIMbOteJAqv/Tnw1x68B5w0HsVh1MBnHm749n/b/HPo31f6W2GIKGzfuPWATS9szK5az7" +
		"x71cD9LnrnQrFXsNbOi1k9V+6Pyu+8x0W8cXRKGftZ2h7v0S3P/kwY+KXh+kL8Ja0GXr7Kqg549O2G4PerVmpwu+oA/uGZaLA32q" +
		"fGiTDPpqxYGAOaAf6ezuGaB6x5Tp2aBGlmaHH4Kajs29+RG06v2TnwyhGduuHOzqCurANWsVDOre1XpAR9DGx/KmDwANHbsxayFo" +
		"q/tjn2wGjfKJ0jsG2mWlo9U10P5dczrngw4+tmdkRSyNIy1nLFaApoztsa8B6Cwf6buuoAtXPqs4hL3qxh13mAK6ruviZstBd1mG" +
		"TD4JenBszYyboJn3P/7+EjTLJ/uBAOe169zoGuzcdrdr20beoI+P1WvfGvS5pWhoLOiX+7/tTAPlfKdcWg0qWdU1dy+osaBB+XOg" +
		"1TOfBL8Dta6l6ilB19iNmz/eHNT5Qb9VjqDKVeZ32TPYIMG7vL6gzbudrTIWtG3mKo95oN3HtUw8DNrngdpomwz0pdsegw5ddf3c" +
		"Z4nu1UIbhZGh7Tz1eCnB/Y/Gi6qV1ZpK5CSt8Gjvm0rkPO00OMzHlFylm/Xvp5mSB7RpnXL1peQpXXRg+QgpeUX/DnU5I8V48bhz" +
		"ykxG9Lhr5PVuGTHirGdNEFUmplxiraqtK5OqXObOrSsrE1uuyx/Xm8gxXrbF9p0uJ+4c/4nelpPGXLMp8+qakVDu2eYjp8xIK65h" +
		"k9aVq0ApnZz9JKYK6cL92WXkziqkPzckZW2LqmQwd0LaML0qGclJ1114UZWkcN09ujeqRmZxXPtpN6qRhVyLZzVtzTFe0kfuHmJO" +
		"1nEvyzc9YU52cdMcE7tVJwe5W8fEO6qTTK5u66WkBsnihj1ybF4D40Uubv+sBrnL9Vz4soEFecztrpMyyYI850QH5dctyBdu1R3l" +
		"oJqEE7zufy2zJpEIlLRPRUuMl7RZfLQlqS6ov8sm35JYC0YGHAqtRewEZ/9osbgWcRZU7fX471pEKdg3pcJEK4wXsfnqq1akuaDd" +
		"Fg8ra9JWsLbJuYHWpLvAr+v7CgrSRzD7zeROCjJQcD+lxmYFGSpwlO38otA5XrRRbGRoOk89Xkpwf8X9qO8Pefy7vfy72/x7jn9f" +
		"m38/gH8/j39/gH+fw3+ow39ozn9I5D8s5D884D+K+Y/1+I8t+Y9L+I9H+Y+P+U/l+E9t+E/D+E/L+U/H+c/l+c/O/OcI/vNI/vNJ" +
		"/vMz/osJ/8WN/5LMf1nDf8niv7zk8zz5vE583jg+L4PPe81/rcx/9eK/duG/buS/ZvNf3/H5Vfj87nz+JD5/C59/WZfhfP5lZj2/" +
		"FwIq9P8CsVwXSe8XbrrPuLd9KJ+370JgNOHzLlY+HATyJNrVAYTP2CQn/Nf6ngufgPiPNc4G6ZA1cS9IYsX8dJCVq57Fg+x71i0C" +
		"5KLLDW+QJyNb2BA+v3L5xh9B6rfdlQPiv9zuFEiHv1ZtA5mSNDMZZOVRcSzIfsnocJCLLd57gPD3H4oJz1euG5ULUj/h4nUQ/4NB" +
		"KpDEMLc0kClzNyeBrLxjhVrz+xWLUWv+yZ5JclL4VzloMDtC1k97ng3SseZN9vQ2sXdL9u2wKTtOs0+Yrfzizex6Lk6tz2zXnlxZ" +
		"Y8ws7MyrfgSpHDMrB8T/ffI2kI6NPywASZzYLxlkyoVHsSD7oy97gFxcH2IB8uTVUbYwkwbuuSD1z1irQAIqLckA6dihUhpI4urJ" +
		"Sbrs57UxzJBe3Q/o7xK8X9DvyUbS1QYF/a5i9vP5nkv3vd5defqUChr7+fwAr8czJnQSJH1i9vMtb1Wya7s6qceDZAQ6D29yWvH0" +
		"eetzKomxRdK+hdzJIX84rDRysBgf8fvy+YdDq0+Ff+aH116xwqOGg+FfNr/6nx5NXT93MYq32HM1qeL16zWuuYJ/PHH11vXV5xyv" +
		"Af/FShdDh8ZIdhjAf3vH17+DN45a/hbp379qZ/nUI3b4KYmDFS9IG3dk/6jbvX5jAWP7bR0m/96y3VIWqHb+1qf25U76T5TEW/Fu" +
		"Rm5OXxZsr9kBefls6nrhzF1FhQD4mzedEbfEetFXB/jbPz0oiYur8E8VlDHIVupr+PHTiZfgjzmlvHu7Sb+df8I/vWe/EZvHP1iZ" +
		"Cf9ivcVmI89GpG1B+p1+b1tVj/SJGwu+6qHFyxfL90TFwX9uXNjUw4/tgtrBf8NymO0MuxVuSqR/E325m/2+KRWlRg71cXT+xCwy" +
		"l9styQ5IfP6UOjBTALPGkZ7pU/++eYXGs6DTiB0JSrPLe9ZTIxZsUvWusUl00JrZyLfpgXKb7q09NHsk/BFRHsHbnzuN6am5asCC" +
		"meNaDqvW0QtRo9wPW1iqZjZVwD/52tODb/T1PI3hnz+4cmRm2HDFF9qIXbJtZ/zsbjdiuAuIOtRqqYOLxZ+5+4wcrE6/Pn1O2LPZ" +
		"ndVEQi2uzXzf68rmzLPT0ZSX2c1XDWqwOaMrLsjrP8Lbf4zlvDCJvRWVlM+4LT05P8UdvUGlm68OfVzecGBN9Aat/6z+bxMWvQ97" +
		"j0saTmkf3vZen4Y5KCOozsTntWvn2GYli2q60Nand0760K9N5Z0q3Tb1mFbFkqit7IuNWUyVMqT6FZNHLF1b1KZe6M0szZXM0tzH" +
		"SEx8AT/AHwgAAoEgIBgIAZoCoUAY0AxoDoQDLYCWQCugNdAGaGskFrZjuUew3CPBiQLaAx2AjkAnoDMQDXQBugLdgO5ADNAD6AnE" +
		"IqdeLKfeLKc+4MQBfYF+QH8gHhgADAQSkDqRpR7EUg8GZwiQBAwFhgHDgRHASCOxl/ZRNBn9Y7v60YUW9N5F7OpLcv+/ZFev/YCY" +
		"+hOVzDjUD/DXfiYzUGvXE6w1Gm2qtS0K0xquMnsf9p5vC+3HkVtpb3m20doBtdMamkZqbZHaAx3Y5qX9DGZn7ceUu2g/xdlNazsU" +
		"ozVM7QnEaj/R2VtrUxSnNVjtp7VritcazTJbowS2I2o/zDxY+0nPJO0t2GFaI9cRWjuoUdquTv6RXb36bRa1PT2zxf4W+n+9Xf3/" +
		"33tUx93c0cX6cnTxvvy/2dVP0JPuL7w5Pk4g1xiif2cpTzxF+kL3Iqb0Eg+wi8NDA6GHk6gwUAyeP4bY01NIz7BHk0VeK/rulSIj" +
		"b8SUDqeSsHJyY0+9Ex2d3HU+tUn09JQLE7975vivtiQilUmr2EntilvXGxSxri/HrDqI/p3h9rZz1KsZlU6noVJLtej9cn0Lvvor" +
		"1b7sUfDVXw/tCxcFX/1trx2cBV/9ZQNnPM/zszU3kJykbqwaBWNnlHq0sHhUpkhIXSWz6IIqifQtUpWTPW3W/75ouDHR7LHfVzAG" +
		"QzgEw9Z+FLuTw/N3JvF85jSez5jJ89Pm8ny7pTzvtYLna67heb31PJ+9jed37eT5RXt5fvRBng8+rquCLDe5kOXHKvgt9C8qWOv6" +
		"cdWJTidUvR6dVBnGnVa1HHpW9Y4/p1ow4YKqodFF1ZgqV1RWK66qTtb+Q9V7y3XVtgM3Va18bqven7qjWtg8R3W3wwNVyQoyrlzI" +
		"8mYV/BYqQwXTOOkCrqCCqTR3IknWE18MzTpKyLlNzW+cO0qSZ7c43/MiwlHvQ99dAf2rSYjxLfA3Pzy19C7CiZMC6z5AuEH9E3sf" +
		"g54cknn5OfjTq/l0eYVw66OqF28RrtqjyYiPoBlbvebz4PdrfcBKcIwQ10+eO/SOkeQvS/c2MQBN/WtXlMmxEq0UF8Qwn6aOaK0O" +
		"7r/ololsxwHmsg8GARuA7cBe7UdDzwFXgJvAfQAHNvIByNe+UVVJM7+KVdgNXZGvHsyigoXwJwfzewzmzxjMyIW9TXQHUz/TCPJD" +
		"VtMwBduZE+JVE3ukNSF6toRkOxCyy4WQRZiOo72wBfnprhTLDwOY+1eV+qd2635tq9j3P2poEG/HP4znHi4a2PfaoITrp8ITfQ/U" +
		"HWSWfm9wyqyDQ16mzE+KGjJwqEMHm+GLmwlG6CnvjBjgvG9koLz/aF2VYny5kOVetkF7nX4btMIxakNK77FqQ0rlOGYJqWTfdSI+" +
		"EyRioS97fJfsm8oYfuwTV8l+U8D2Zx+mIgHTGCOAPT0jgWlgB81kjKBZ7LPAwbM1hpHBczU0REfNxQVxcvEYjc+7DC3wkwYV1N8y" +
		"RRxqHCoPtQh1CPUI9Q4NCo0IjQ6NDY0PTQ5NDU0LXRCaEVpiMnAZoXJOHIoJoPX9i66EBg0NxgVwY99MA7yAxoA34AMEAEFACBAK" +
		"hAMtgdZAWx92s7vkWsS4zHXyYWvRt1DZuvV1kW5NJN75l0brRzJbteF1PSOZTV6tP3pHMlu9M2OXiIzFGlPA4+Mdo6gN+4osiFh6" +
		"ew5ierh8FKmtA9tTD8PdU9q3R0xn92mI0dgIRjSw7IAY8rhVB2rjkDFzfAeW+6cnTzqUbJK4IAZLjLZGbOEpyS1DEx9y0reFTdxB" +
		"bfTUBm8OWlM3x0JTNye1qRv7Kqsz+yqrq0gGV2P/JqCWYvU3X6kPjl4S4lwf64CLxJw2Mmb7c4KkgVq9qcoM31KIg8hT0pU2c2EZ" +
		"62mt69QGZt+PY5HavuzbR1NLb8cLgfQ+2qFQt+MDdShqReXBjLQ8zY2EzrrsuNQmXG4FdlzMLsuZOS4aJ1bjCF1czJsV8AYRDxf3" +
		"IgW4eJaovp6NpDCy0EzLyaNoQ47cLdYQhxBNQ37GDMtCalVMZLqssIy9CsTG6avtrlghJ6h0GaQlVxfTLajgU6NjNbZX4wg/TmJg" +
		"OoHw+KdVSarExHAS4SdJTMgUeKcSfiq806HXzpTIvWYRfpbmurmEn6s2erKTOhSvlyZGa/Yka11QI6G+MSdoPTg5zaCcpvE9pL0L" +
		"xqLzqTGUG0u5cZRLodwEyk2kXCrlJlFuCuWmUm4a5aZTLo1yMyk3i3KzKTdXbWb0/TASzGVWRmO0VkY/tyCxxOOBDcAFwAwbZ2Og" +
		"G5AKXAI+ANXQeiUwRY991YOQq8BnwE+/5IYnFzKuXMjyZgvSt9C/qOCTD5Rkf6FkL09JuoAj8eU4ElGBI96VOGJTmSMfq3Mkx5Ij" +
		"pxQc2VaHI8lOHIl140h4A454NOaIOIDTUUHGlQtZ3qyC30JlWzEfF1kxbTK7bVObX+itPYJdLPjJebhT69yBW3Frnkhs0+ZVOfW3" +
		"CRY4s2/x3xzEPqbf5TN7OWK1VwTcv0b1RKo6RwerU23znwvem4mr4bpl/SYSew01zFTH8Gn3xESHziMXF8TIxQV1YWtlSW7ZGje2" +
		"iGpqN/EcL2YvRk2fv8iPig3ndnFlT7SX1M0+QMV2G46InNk759snpfcDd2+rhhtAjphfe4TIc9vLdWTv6V4ZvpZZANz0V16h4tD7" +
		"FW5VYK+n564ymcjoh76b2FP/fPfAfCr2EnH3PdmL65XmVd5uqbOpBTFycUHNWFNLcsvW1DxatKnNt2ayh+fTN149xZqqn3eONbWb" +
		"5WWQDVX73wbZPmTufdbSywf+Yi21v/8M5Nxf9T+AXPFtw77AeHP5cFqF/RbXlxV64Ob+9sIY5EMFqYy1s0/Dqqydp7pYsDSVkrfU" +
		"qaLrfCYuiEGLtNVSt7ME99+cNiZ2myipZYA+zexU2x10bi03/6agS8YZdesMusH34LKJoNtXzT64GHSvoM+NraBHuvl8zAQ9V+uV" +
		"8zPQK+NOtWDfMLj5YHl/U9D7vkOm2YDmChSnw0E/dPv6uDtofuYV4VBQkdUmy2mglR5GddpVTmfvamPQPm0d1a0uwf1XrRZc8Li9" +
		"oDaZLqieNeCv2mSuoG97PTcbskRw8NmiFBuyQRBV4XhNW7JdsD49It4Wrf7o+PywLTkiCMwcY1SHnBM8erRhQx1yReAypMmnOuSm" +
		"YJz4SmBdcl9waWHsvLpodfzBmc525IPgSJhirB3JF5S/uz/bjoiEHeOb16hHKgm/zEo6WE9Xq7UxaJ+2jupWl+CWodXFNheeN+d5" +
		"H57vyfNT1e+3f1G/Oe+v/lWenerf+8knNIjQvoTOInQP4WiJygnAlAuQE6pU6C+LrkKL6FxDcgcTbpVrEjZhbv/IlzgycRdP9JCD" +
		"/F2efSFRUHl5VjZI/SdKHP4EAQ5700E6DrVPBZlqYB4BsqrlHG+Q/YvL2YBcfDDWmH1bI7F/Dkjlg49PgdiLOm4DCQi7sgAk8c6x" +
		"2JLC1tdGsMd56hqhXSV4ZWhfulCaJShoXxqHEyDtJzbKnP+l8ZtJ3jgZ2dBh6xpExyp/u5eQTCvYEToxoMdXj1SbCx3Zk7nZj2Yv" +
		"Ep9feihIVMGG0M21nl1e337iwmpGDhb7Ms3ih67Im6gH/4muAUbBTwYkvoL/Mh24oUr9x11vGsVbPGty5sH+A9mNt4L/8c7H5Cmc" +
		"v90iiYMVJxplbd4+aH+VFBaoaN5if90Z9uJ+kngbrm77DW/OVpM/9CUiasW5f/4jbUnXaZfqGTnY+C0S1otbz6kqJ6PWVlwLT4cs" +
		"r5dDtlBJvAvXe8hkwe0RXSZd89a1FkMUxVOonwQVkYJ69pYhVRnEncNJszCc7DQfFaPCZPYAZAx7ADLWSEzGASnAeGACMBFIBSYB" +
		"k4EpwFRgGjAdmAGkATOBWcBsI7HXHO1TjrnfHpRYShVFp+ncwiciyUWek5Tkqptj4l1M8c0KrqvjsUZ5acUiehx76Kev/n6wHflf" +
		"ib9LupdKD0M89dWJO+S2T9b+AtdYtaareT2a/QrYBGCi9pe5JgGT2VN27a+DTdPejmG/2JUGzNS+Us2O43O0gpmnqUpXaXc7aUSh" +
		"LjVP86ON2vvQ30JqQTiaMtXDaAOlCwxYhSMEIiMLYc0TFqtNu51X2livudZ1k+tfd8Y5BNj+tXpn23Kaj21S6e7C7o7IbfdftQdt" +
		"qS91KqoXzi3WlrnF21I5Qi1yTlfXYr9ZVkSbqKa9v+wpEeNIVtr9a6GLg8QYbG8GnMGM5BqvlYu7Jg8dRy+orIzP7lE7ef7v6WOW" +
		"Z+1K5HoJ3WJj+naR+qDZ1pycdsUAA+V6eVhXD91UScyyUXMEvRzdrC3AMi7CcnZCRmqfm4v2wkEe1jJ2YcXCVINwoZxdWITl7GRd" +
		"BSwLNUudwyA3F+tqYHmrWeUhPDB7OLrFsd+Ak4pZkh6sOAO1jxVnyOqbYE1C2cBXh7i44sGEwUWDgq69+rGc9dQ5J2hbKuiOuhiG" +
		"xhXWLdHZKW5ExWrVNBNeXbdENxfGsvvGEoHVL4ExvYoyEzr3TbCuGDq12OUSsAfhP7GbtWnoVJOi2YgR1Q//Q+PA1+akqaCwe0w3" +
		"V2sDiMHArgNzNVHlESVClKMmrro6rromzkIb5+yBOFNpKOLgaooicsHAmAGaFup3iYvrNyguThMSM2/i0PiYOPZZBFe0Ni4hUcpJ" +
		"9UJZfVyFcmFcL8bQXhsTF9M3pl8iS8h9Y9MkjYiFiV16xWllLtvEmXmZ5dVUkGpSYmatR8wwuqScLJnK4mWJCrFXiR/ANavGVjbk" +
		"6WWrZ6ao0kP9gapqUs7MlegZm7Exqbl8skg2T6Q4KFSMKP2nYs3sNAum5mHxj7JlA7tovpckiln/44dTy5qxs1PRjJ+UV2SUK/1n" +
		"REvPWFiYsZuLJuNjYlmWWDGrsuKw8c/9FGXZWoDJrCnntVCWL1ScqqZINSv5u4xllMagAjFrMjtRUzGheslfKSxrZgWi1WR2XKFI" +
		"qVXyN/vKKM5BBeJcJJYd11N8tFOMtfnxz8yVnmn5gkx7FDR3i0C2V6DY66A4UV/3b7uVnqG4MMPio+mwqyLfsfRfOis9Y4PCjIuM" +
		"psliRUYjxRz3n/s1rdILMtQWRBM0xXyWyJ6KFCd8Fcua6PqVqBKZyVJEZrryw2qvyTC/nOyUSDEhWJHq/6OfRSqZaY4ey7Riv+8z" +
		"TRisyfQ9lT2mioymiuwQ3T9tVDLLh0Kd9WT7jibPdD3ZW6Eit7lid+j3PwVUMrcdnJnugZWgXUVThbI5QkVKa8WGFt//nE4ZZ1H3" +
		"4kMqP0JxuE3pPy5TxowTi2c8p5PiSlTpP7VSxqmaWGSsTtVXJMconnb+uV8DKVtBmv29sKh8fUV+nOJ9j5/75YmyFsW0hsKicvUV" +
		"LxIVb/v93I8dlK2ob5pIYXGnxIrdIxUPB//cd/PLVlyhdlO0tPzxVLFp9M99gr1sS65aZdIUtUQoyxAqzk+mircT6Y8/Y162fDX6" +
		"libjK/qy+/qKtFlUsWQqLfvns8tekLN2x91RQXbJULFoGVXkz6a/9hPFZZxq0Bc1VZlgIMvQU6StoYrsdPpzn9z9vqjiy0SBIqop" +
		"JkoWrZi3jio+rqVq4z+d1VQbBRbLpFB/1eTSWhaleI9crq+jtmXKwIPpu2odt0C3ZRlxsg36srX6isebqGJHBi3927Mla4pikqlZ" +
		"gNpWrnhxNtCaaZKmrm9FsmQ9xdidqO1WWvonUXUJw01j61hsr1Er4Jrcp+rLUkWKDfuQ+y5a/OOgJTebld82G9mWSxTXK8Sy6/vR" +
		"Cz9U4HP2U68S3wUtrsLLY3+kws8SyZaJFEuOUMWVA7T0D2jqHAclcv6mxWuy3n+cKl6raOkfkyxr1gW7mSbr66epIu0ELf3DiqVn" +
		"XVKTvySW5YgVCy5RxZYz9Oe+yVe2VhTq8p+FsgkixbU/qGL6FVry83RllEmhNq/J7tYtqpjzJy35qbayZlcgYk129+9RxaI7tORn" +
		"y8oo1kKNfgNGsZ5iwxOqSH9Af/yFrdKzLanT7xDIDgoUL/7BavU31f1Zq9KzLKnVa8ZWXi5V7HxOS//EU+lZl9TrMbZe6CuyPlLF" +
		"pdf05z4rVHpR32v2ywxk+SLF23yqUH2mP/pUTsnFZ4Favy+Ra6F+v8lQ9lGkeJzCKQ4nc6V8CKZkzmn6LGfTuNKV/OkTOcXuCZzu" +
		"z7mUzDRXqLO639T8DD0MY8X9KZxiSSpX7NMnJTPby5npHmoFWv50oWyRUPF+BqeYN437/ushZZxd3YsPso9zOMW2mVzpX9IoY9aJ" +
		"xbOet4hTnJ/Hlf5ViTJO4sQi4zddXzFvBad4tpj7uQ8elK2ooto+ClsgVmxZzymmruJ+7o36shb2Td9HYXn6ig3bOcXqjdzPvcBd" +
		"tsK+1/g128zk/Zwi/Tfu594ALluB3+n8mvKeHuMUyQe5n3uDtGxrchGlf6VQtkWoUJ3kFDnHuR+/glm2fIsq/ff12aks7QKnmH6a" +
		"K/s7f2UvqEDpv1RB9tlQcewmp8jP5n7tO1RlnHNFlf5tegrVfU7x8Tb3c+8D/azSf+Ihp8h4yP0flf61jzhF6iPuVyj9855yivuP" +
		"uNJfjPm/Kf07XqG2z7nS39f4F0r/HX12v+X+e+T+hivx1kLJ7efxt+1HlnNVrfdDr5cdPqRT87eTdUB/LfvIeZV4ZaG44m9gqVPx" +
		"t8N2J8NasOkzRvhHrvQ3DnQOhRIZa/X+gpxf5HEK1Reu9FcFypqzemsryHkbzynG5nOl2/iXnvN3Wr+dLEcgeyZQ5I0VKI4nC37O" +
		"rr5sbdAo/XaydAxtTnFnvECxLUVQ0h6+jAIZpBW1JrfUVIHixgRBSUP2suamFa8mtx2TBYqUSYKSFuhlFOkgrUj3CmQpAsXaaQLF" +
		"limCH1uFl57rdwo/OorKcISYN0Og2DFdoNvmu/Qcv9P3CwbVqZkCxaI0QenG2qXn/J26rx5UJ3A2mSNQ3Jol+Dmb6dJLKqbt28ny" +
		"BLI0gWL3AoFi5TxBSbvlkmvNLWqmKzuNmm8nWySSzRIodi6GjBcKSjMkLpnzNfUqpqfQqebbyW5QWRZVLFmKabZEoNtcuGSeZ3XX" +
		"Vqvl28mucLJtnOLscoFi+jLB97a+JbPrYaZ7gCVo1lUcRHBqOr5CoDicLvjeereME6p7saH1dJVAcXCloHSz2zLmnFgs501rBYr8" +
		"1YLS7WXLOG0Tvw3a/QLFifUChWqd4OeMV8tWUqGKry7rmkCxZLNA8XmD4OesR8tallbDV5eVLVA82yZQZG8R/JwFZ9nKKqbgF+wo" +
		"13cKFOk7BD9nO1m28orq9wXFHd8rUEzdLfg5o8WyrcAF6r2dbDInmwWtAaPk4z7Bj00Qy5ZtoXZvJ9stkKkEimWHBYrJBwVlNwUs" +
		"eznOmi14m57sjkixM1OgyDoi+LV2cmWcaxrdHhuuUDZdoJh1UqDI+F3wcyZsZVbt7dQ6+ZVT2CBOCZgVm8462pWm19vJwmVtFVtO" +
		"CxRppwW2Zblcp1YfIVsgkKVjkJ4RKB6fFpRumaZDqbezU6v0ET/Q6O1ktzho0Ypb5wWKCecEpRuL/UCht/uBPm8ny8CyyCk2XMQS" +
		"ckFQ0sKr5DaT+m3Xkp3vLLNjyrosNQrqudxQ2bJl83YNNPZeclVFe/ZXt2egUqlsodT8NVUqhyh9eioDlMqeSt+eap6Pj1IZxjy+" +
		"SmWwmvGNgunPnBa4RtlKGQkmy8+vvw9yHKRsg5QtkJdPJAuHsrCS5e0Xya6NZ8UG9UQGPi181IWrq+HP4lEN5UBWbLDSj13PwsEs" +
		"3HwIquHrgeope7Bq+LKw3xB26WB2aXBPH3X6FqwghJuzPH3V9VU3QltG3cH29uq2tVQzIwvbo/ljjVJ2DwyI76oO+rnU7WFvHxo+" +
		"0N5+CMvCQd2QwG/5+RRepBaNz7DuzMfSO7Z2s7f3YLFqSSl9WnxLWliUjwvz9SrIX+mvlnzPwvKGlFIea5VPQjfnFsruLL1b7+/K" +
		"6/ldeex6n/jugW0T1cHmftr0Sh+1kJoVXu+juX7Id9ez/HwGdW+XlNA9KG5IlLo6fi2YPH3CB2vrG9ziu/oqC7MKDEjoGujq2DVw" +
		"iDK8IL22vSikjSZ/ZRAbh+qLv3XKD+Snbv/QqAh/ZUxhfgHqmG6F9emmuz7MG9gyLnJYmFr+/cMxH4ZGaucBC5f1en9HFnZg1w/x" +
		"0E4VFi5+ffD31ysLrm+j1F4UxuIL59m3q4LtwzXj1TdW07Tvxqs6UfegZj269mPoo2aGqOujZKL0LxSaf0BiVERIfKST/+DWfds6" +
		"RzjGDe7WN0Gdvm34MG19+7fQdkKx+voyb1DLYRHObRkcIlnaID97zXgJ1tZH3R9t2/qHKft8l59O+bH8nByHsXDLwe7a9L4ehe3V" +
		"PT/VHdzdL9Khaz9Wnl8btpQxj6aRfgnfXf+9vPwKrmfjzU9dtZ6aTlMPcU3K4HBnbX36tPg2qr7VXz1Eg1oMC+upbGGP9aFlYfqe" +
		"P04fyNL7Odlr1h+Eh3lq51t4KeO7bzenYGUbtXxY2LcNK0+9fmmq2kZX+yL7xg1SBrdG/nVdCtIH6k6vbno3Z4i5aW+kt+9WkD6g" +
		"lPRdg1CXME397Yuvp9+nV3u7sfaH+7H0fQrSK5N+XP+o3uifZl0Lx1fr8ILxEaZzfGrkG8n6Qz1kfNX9Glm4zvb47nrd/ROZ1Kyn" +
		"TwKrX//C9MGl9H8bp2ZK30A2/tQxYb3rlr7eq/vTMWxYsHLgYLbeqJs7pFAesT+WR/fW/k5aeWjmU8H81tavhDx6quvnolQWysNf" +
		"Kw/1etHqu+t1y6MP2ufjoZ1fBTVz0IZLrW+X1mFDMZ7si+0vTQvWi1LlEx/WOlLpWFA/pb860bCytDewj4umfUNYe4O0+4m6JF9t" +
		"JQPU8ZFsPwrTFl6QiY9PrM71Ru2N7Fm4JanrS+QW/88KEosKS1NLdJMLCnQTi4ryyxXKUouKM/PzFIzM9Az0DCX/KMqAz2ehKWI4" +
		"ow+66ijIEACKsJ1AZ6QAAA==",
	"v2.parquet": "" +
		"H4sIAAAAAAACA61aCSBU3/d/780YY8tEM2YkZJnQyJK1psyMfd9lqYhsJXuWlAbZqYhIkqSiVVK0aVBSVEJ9JZWlPS3alZr/ezPI" +
		"Vr9v/9/vGe++e8+55557z7mfe+95z4Zup4bH4JXwSsvxTBAvjtwweBE8ICJBBEEiCBDEFTjpzJkAAMz88jDm7UX4hoUzwvtmmcE/" +
		"hP8wCs9E/RIAIAJmShDRESEAQEQDTDYbFjMuN1GYwmmVH9It63mA+gwlVVrkU4/XbeaG55z2VMw+0vhNI+kDjhd3Sk7fiHEM0sgx" +
		"W4TbirU/XrUqzLfmYZ1quGLBvn1EWdfeklmah+f4Xzabq7rJozVR2NHkdkY7ylrIIg18DsTzmzxPN1ih0lVpm7vtoPMGmVa7hGzK" +
		"Q5Mn6Z5FJs8Stkgq9FwaiKl6di8q6Hvhm5DY2u/+/LGNvWfTk8Ehy6duEUXez5fZbMt+N0/UvX5QhiwV+kHyUSQRgPtdj8FXTu23" +
		"lrgCdinAuaSIWGDkmtpnj3xAEwOo80nPlU6n8gKCnL8ai4rD6nWV6UKUm937Pia3SZlt9lPmecbWzvdWdVfAN5G3y2YsIQpdFqgX" +
		"2SLMhNxRteAFI6rJl4QjCedPqlUtqMK7iJKg78GfLmgdq3zprGwnpBjctaPLNOw2RjOhsWjlticWmnsK5Mmu3yiLzWZ7k13OzpNS" +
		"l+75R31BUch+oTjfbj/9HpJ2Fy6qMVMLXdRrNBu6VXM7ibUwsGruu4zZ67DUfqQoGGHNmG2+zuRdJlnAa6YAdzCOY6Y6Adbxjm2q" +
		"vLAJY3QoJFiwM0xTOu0AyQsCSSQPI2Cbzhxg0VWDJS0m8T015PORT6UMZX3aTe5I9Z030Zql0Flns2Zu6qtUAUG123e1PuJXWahW" +
		"r4sa3OVl/Xwm1grVRD3c5SFxzQKwACyBgzmvTn8Xbj71Mv8SLfH6yvPLWm9XLXrq2+n/yqMW3JW7M/+BmEe005yWecUMb7XzzzwO" +
		"CYEfUB0hgcU3bpT1fyy+cbGsHyP4WoQ3IjISpST5YV6+3YLQLyLUQoXEqltqYZVzI2/tO7t9S5VUnUH/Fa+laLySbKTwSz9XyQ9S" +
		"KRkpTQ8Ws6zcrm7MRGWICby+JYIzuzqMWV9IqbolnXvrJO42vXDTglz6/Lol/9yuqr1eLa0uo1S3JIWfNJ/RxVtntfvqMH8pTqrp" +
		"gb304GB0i9i1o1Xbz4utq8Lh2mqN+bBXvGLLti4s/YF7JqodslTJ/UlkpozczVhfs7Nmwe6hWXFflS7lSMsb8b3Rdy66s2xoLtFi" +
		"Oc53r0ZYpWLdEtOwuTN9N6P3r6LxvTEmi6u4P9mmJWt3+R6blznLHcCj8YVYfDbKAu8DQwMAcKwzA/zBA8RjZhFZ8nPY39iDjlc8" +
		"gmQOdGeHzTlx+m7EWkP+c+dU1OUH00R4T4ofUpc7WdKfRT+IpXoeunweDD9CQz2Y/aC3kyz38KRy+Pqgq2doX9YH8FpdPYOlStNk" +
		"dx1DKbQ1LfBNJW79UHXfZM7xljQf5U7bvoctrKbmcyG+PawlW+bIoDDFTXM6nQniNd1bxCQxskfQj2OeNnQ2J11ekR9GktkddsF2" +
		"qCBfTatC1i/wdl3vwaoYPvulcR7tcvyfj7x+fFJHqwn22zX4Nb+8FsfFPngK84bpKjeUN5QTUWGqyhN9EyNMkxY0WCVhUkKx6Kfa" +
		"yFk6eK9wPrhu+bNNHgpbV/sX+R0+HvCqNpiCgivBDXTz4Pug6VACsxRgwz/idNjgDXxCA3a8YtIV2msFG1SR35tNG6s0vgzebuu+" +
		"amweJiXVbeCatZgn5vWniruHz4RqlB0gtlsJ+B/wkzWEXLGDA2HBd/3PqM3K98Y2L0CdVjxSpnLPAOdcPaP4jHdzR3VKlwNKCvDA" +
		"VvB1ohvjbrCsVIlEPgxqcYKlh0Sn4AA6IS7LQ7Vi4QiROMAvO1szvKWurnhf49mAnbPi2lQH4a5dhvBPwem6hloKQkQUAELTQP0u" +
		"IRSQbSo2Mzi0Qdww8JYb0y4l6oyyTSWovd72S7hldbhpZLihdjj9S9iS6jDdyDBN7TC1L6HK1aGKkaHy2qFzv4TMqQ4hRYbgtUNm" +
		"fgkWqg7miwzm0Q4GI8933VgQcWLtg/NBeIC7KtVA06xKJ7+x2UT0+UHuqvQrN92q5IiGV6W5ZKY1b8aBHDszxfIjTUdlC2Z0WmY3" +
		"phWYFzT6e5F2P19HLL5y+JGKkN5290aVvkMVaxfnPLg6wyuvYnZN+f1rr/swIfo1fC0WPpIL0+81UHruvFeKXn9BYiWvChPfnObl" +
		"eHKNM6nQyUruUKbolfKeHFJ5hpGRqGzSzDrsh5lDfhvllgrsbba8bmkysuIUTQeylXTFRY/Q8Po6tt4gIDu1dFqQfSIAkEkrjFuJ" +
		"5ZoVTU5AfGTTfnErXY8A+Q+vLslvxymsetGFS1fAN1Ru7v+Zd+1rugONPZCsHp8CJER9SBXr68T5v79L4l8ZtFwlz+76LGPAHP5T" +
		"XDqYAwpvdXvtH9d2VXRQ7EqxUZ47tuGfGz9ljxX4986zqwTnDWuaFXcvv8S/J/ufb8bdUXswsV2CKWqf5jNBNdTwPEfR7R9Bd8tO" +
		"q+riE5JOJu92bryIqy/Uc1+GTQs3qoWkhXbVHDKyc2VJW++VDnnQ/8JKiPDwRvscdT2r2dbrludnaFr7S0isX1BU67ErbqG13j6G" +
		"AenAwLHXCTeNe9dl5O+QGFDmvyvvHqRpEP3C9N3nOGHLmg0xLF7htA1rC7JKJd7lptx9MrCsGFM5+PxIdPaL4xtvqJ1TO7Jx3cmF" +
		"TxZuTpahfE0a/mG6runJ8BXvmaaFl3St5lDuu8+8ambSH9QigE8czNM/xjD9memtMJi6mQ/bM9d0+IChASW/2oFpsWTuQ0yv9JY5" +
		"DzEggGJBf3DVwE+Ic0YNcF31V+73rjpvuyUv8aM64qyubyAJ5masnkNT8zzArF55jRQrk8d36asPG+/6FugJ6vHo7Xr0qHFbX/U7" +
		"2c7cAYMI8fOpD1gzwmTPJnbLBfJrx933xqg35xu2iPjszIvZdEF1JfYEc5n3aSex+Sl36vh7tlhJzktvb/APK4H9dY5scladycKC" +
		"geABhwENNLJgVGDwLTwTFgzY0/jh5dyJjjvVRvQKUDxQtevnApPgWV37IomX8WUqGZ5F2DOs1LiOr6Iv7WzPCF9zWpSYpRJODg1z" +
		"vywU1qJfn943mOLdtumZohFgAOgDwVeM0QMNaXIepWwyWP5xbyqGP+9nvxEl5cUlZZ7kg+w1Di01Ly69OpD4Su8Vbas9+1gn059t" +
		"K0Qr/Lg51gSH/SFlLyBSgpGM2Pjc2DLO4u42zYM4Oz1XZbkDsYI8FYMvrppdNSiVUiSJFS/V+PS84uPcSAaUtLSb0pP/Qj+T6deR" +
		"vAw7Y/Emv30Wc35U6CkSl8huGkqawfft/RZWspl7oDzm8scDhFUG7XlEk1RL95U6ioHf1FeL9Hfk4W8lfJb3LjGKiy2MbzbVC9Ul" +
		"Gfyo4Xm0SlBp9Y83L+v0X0be5RfS/bHgY/3+jrdlswGDb2EU1Kdn1+LAnJ+PSxvb9oq3pO/6ednMzuhHdO7qiufW83dXtO+9IwYB" +
		"v1nN4Om/3WVp+jDsPVjAI/Pks88cf5qm9L9a594L4lv4pjoxjs3+Ke3ucRafVnpiERNmRUq+z2zLri3dYI/bPIJV/4JrGuxShfaI" +
		"AB3SkznhvGTIJbdw1tWf/rT5uFdfDXmpA/ZMA2tDtSc55CYFwOZNyM3TXbvPiNBWZBatTZqL2z/MXENpxjr5JmY9ZSWslaN//hi0" +
		"7jxtO7/Nw6uLHrsdYBaWb4rJi3Mx3cYqNzlM9L16U3sDUJ+MssM61IhaMW+RVd507lYGdVj3ryxPL+vd91YWeL46VSFagfBAiDYM" +
		"lvR5kk4DNb2sGYwZP198X3+wBRDvXbz7HP1lzhnaPKafTlqKe3wxk1ZbFzofb7pyPWC54s2M7261Fu40lx/iR5pLFi4yZfoUGpvs" +
		"fl6msJC1uas4nro+G42lZUTfkBK8gBl8z9xFHDr/AIp51M06UEN2Pmby7sZVoPbz5mzLO13lu5nNuUdVJCWs8xJZnRqdzW88LycG" +
		"A487ePxqy3XDXGk/RVaWuGvJWi9g/eA/ma6nsjF/CQkQs6m+z24Qmo+iyb59HNXKF098zVyyYEll8M61H+sB0xtrrGndPX1HaU4B" +
		"Owdmyjq27mR6CTSk9Ppfr2WyNppJ1Md9ripwpKW8MHW3W6KYosfMTVk/LJNQFKHIKplXkv/+uujqWcB57+9tO5x+6D1nNvEoBHnt" +
		"CVVuY3WUOgou7H82+yLQqx9XjlZazneI9i2uq6+02vBJDOsn71zezeE/zrX7AKIsDQlDA5U6G9oEx1GT7nmGyrzkVxyHEZ9wa3Rf" +
		"PaUMI775Ng0l9IvwXLBD8Bof7M1MLL6Gu7UBuDeAu9Lqjayk41ZaQGGaUo63cpwUAHMhwNNEBIv7GoCROmIBslc+XPFgebfbfdcu" +
		"l3vOncv+cbrreMehw77drs32tk2r9S2rm5Y3LFrMm82um14zaTK+atRoeMXgsn4Do55eR2O91XOAABRy7ob/OBpyf8gcRPauTBBu" +
		"Gb7hEQDGb5126wmF6xKhcNVpptQK4AAKKNkiKNwKpwap3tnZchizajMwdh3qevvy+gOty+u9kX9aGF/ewbNbmiGNvOC1bh7rBEBV" +
		"+BiZkCdE0u7cHpJgeV49sGJuP2a257vKuY1CWqu7PdqPZ8wOaKqpSyJe4CQZHxL8Xat2RNRbrTk/005kXBiCODUMQRwfhuBoC984" +
		"YYgchiL8Q+ORszg+CfVLwNgqKr8JCTzwx8GoR1QYl5sojLOKtmbyAJDlfBWaS9gsukHckecXbVAFDWVOVyy8LefeRXteNLYZcEwc" +
		"PrnC1qJ3TuxubETwEcE6K5C/rURKs2BI4WpW4KznhgmuHn6GKWYtfgZbl2IV9Xcs8Eiz9GMcxBaIhC/qKQeyzzhcD22dr28vk2YX" +
		"Td7jLr5B/hAbeJjSl75oadPjuOUPvw8VvY0+/kgtSiLzEmkoMEb8jW5JXvS3fGaybRRhm7vu0Osn9gGS8i9O5+6UUOAzQAzdhsG3" +
		"Tu26FlEBywFEgKlHxNK4jik9tdsexcAxDGCXKitXcfgsRqvd8cynFTGrHVyHbjDmlq/0q6kWf3Ms6ciPYnYx2yMPervuvvCJOd3a" +
		"NYKiKlXL/PZI0z02s7o8NtWZ4QaZG8A7II75sbpD66Nmzud3AxcGwlvAhWz110qPlFyETjQdMTlELBs8dJs8KJ9V9U7hgkK4CQix" +
		"wddDD4d0+IIurKX64vLf5N0kvMHfzFn4/4tLcFifNdrNFtmoTOGOzTDPVLfAOubaxyuUOjOI2CNKh5Q67pgwYPeYpnTa8VohAHSI" +
		"jnI43rGNma9rygCYw83xhaYMuFyii30xpdFsRo+iOUJ21840R8gntr6zXVJtsS9H3BLhev9qkyVC1tfvfTx4yErTVMAa4UosDrRG" +
		"yHe/3IbztJ+L7S1sGLBij39usmEceVmWcfiEDVKu4dSbeMzAVtklwhYh30WX2SLk2Ip7t3iX2EWeCrRDuKTci+0QchN/G9FT075O" +
		"yNce4fI/m2+PkGd6X/e8oOzA7+fugHCdEs1yQMhul+qPEsiODvXLHBGu4XWpjgj5AOn8p2BJpyIJGyeEy6gpzgkhvwk7pddMWPYs" +
		"wmQZwrVdZsMyhKxz80iqvLCz2m2aM8J1b2OoM2N0gAmAtEkw6DxjETMXxScdOvFRshVHETEBshIEWJXtVvPg7WQNFl+KssD7/dpO" +
		"SoCGGKCtcVz8gTlw8UCOurbOidN3m1amzDp37pzx1ZRTG/p0Ykg4U6qthWtub76ck3fPvTLha1q6i57mBwg8MD/DszMAFW4dfoO2" +
		"7AupdQn/JbMzxnrSqvt3XUNh4mIsBo6T7uY2ZicsjDoj3qtGEsvW7J0hkz7rzdAq9XTl1Zh+nzM84Vjtm5t2yWYNZUex1pwlfc9K" +
		"jIshGp3VOnWf4aMa6BOgG7CIlUnNtDX3KmqMF9335eug+j7LLh7y3oynrpd/WFx8wfcTO27rRhwfiCAq8I0EIhrKiTxhqvDjRH/8" +
		"t5u0W9xN2kse/FdoOqBAbf4ViZjg6wGAJQ8ggyXJFh/ahWIj17P9T9hX1rmddu8+4/id+6DFZh9ol+aZndWJNjh9B3W6o2qHfkKV" +
		"iH7Vbaiq9dQ2RvypGYxTN+rETrWke4slQN74+BOWWqSvDEJ0yMBc3LtPa48OeoK1kBTgIUoUE4T64y1ZZNUZAZiI+DqWiSqxkxQA" +
		"9bN8POYJRiRmZYovetrj0WrTv1zLfI1vQcNYYOKOGwkFd/E6hP8ITt9FJChBGw1KTAD+QkMUUM9HklA9nYmyjjZgVn2OB9u69u4O" +
		"fLt9oSByOWQ5LSk3NTdry0rTKJX+UWa8+PrtzDUa+4kXywznm91ONdMowW0q0599vTVRSWMfdkkZXcCsNY5foxj40dFupfvAod1C" +
		"7WJHm5kiZ2GGl6oOaJqlioCc1tHfv3GXql+56ZaqK2gAEpKfz1zrirJL8zsaoil0q45Pk6UuZBF/fGBg3bm+M59Dl607G6wo/Kn+" +
		"QL6b2S5I3DY8+nll66fi+TQx438MHJOVeB2xhwGHdRohfodbO4pf0HYY7TB4YKPogNIs9elo0htcOMyj9zx5uP3rvMGg3kfPpJ66" +
		"f1zQv6d+cXxkUWReEPGRTK38xtlffaI/F62gJkSR3x39cPS9FGVkRWJhpkHd6P2dN77xITslFti5npcHQNb2aUqnRd11ggDG1dOY" +
		"lW+5tjWm0FPFiHYJiP4Opuk6BG4MXf6sp/f1cgiXTfFfHJbgSU8uTjb+J8dfziTosfVHvZAzDMcair3mkxVfpK0UD4hs2DHLGrAG" +
		"rABrf7+NAarWbq7Bj189e5OqJPFuoVI5i7fHt/12QKleVlSK0/m92kpy97KePBPA2J5S0rO8UFWWo7fWZunlkuFwaYPG7Hl67ga0" +
		"iGC9+endZorubjVHO9Nq4xdBVftOaJoYbFGtXaB6eBDctB4kkTYVRYBqPBaDDmnxpPs327NetoYX/cznNy08ZGi+lCFoHePnkCla" +
		"tOF5VhyuqKunO0odDNpmE9e3qbnBtOzpxdP01dhrT5RT9w6tiD6/Tz/B9qUyD5+udMd9InrBhW43p3sGbt/SDlzbemHTJkZaollt" +
		"n8/yr2kb74R4oT9/VZJruLyYf3O16pPLey/Z0Z008Zv3JHlcF9m8w8kP2zeULhsf1Tw0WzxYRKbhkajjop2JlySKPfoG3maklGx8" +
		"J0aQNbZpebSYoRg3cOymz8uIHmV7pvhO5ognX5jOk9t/IsGKmk9cT/6Vm86TvRFPlpFnWvMqIoGLyoOHjAp6KvtU9e+wTmco9QQZ" +
		"V/Yre2edvN31NRbSy93bZN2vPTi/U/N8zoomK8+rFbI1V7ppgaTqlPv1gj5J6t/zV7XM8kGdyPvn2qs+nkGzKL6jFk6S89PvNCj1" +
		"PA5V0l1fKGGFnce0bU7xclBbQ5yz0Xmp3N5M4StXe3acdTlL4kOCFywM/ibPhNWmGHiNBC8caUBuu/j7m8bi5c6uRJWmi++k5Php" +
		"ae2vfHptBpXTZjLrVGPj6O3J74Xm391M5i8f/mfbloZHvXjDkDVygeZXBvZARgAD0ANUBFj1l9/W4BYoxVZr4tr6IrWXzF45HGjY" +
		"LtofSQaDGt8aLVkd/HWF3+VrWx/5z3QOjn1VQFKMTZ+v69FTfcYiuSnowXMbBZKSX+GwJUGybFhf10DnZ1eycsrmg7SEbewFnujH" +
		"l2488b2ymQLILPgalIuKH3R/uQV6cmmmiPhsduJKSmevnnKCkKQe9aV8HGjhoCutZuVQLVqQ9vKwaXP6msOYbURHe15BOQdTTFJL" +
		"2ZrDcosP78Kin916oJDVd8uslfH4kkxo8eO9/Gm7PPJ1yon+W0rsTvIpLFjjYPEhDjC+kgPUGV/UkdeV/tS12kGheOXRtm34T2Yv" +
		"JOJsVXZk8OZsyHLeedTmRKvwdaOL6jMUIRDwh0zA3yyB8JEqKq00HOIcrjyMb50d5rjUNKX/1cKYLYRv5JvqxzgAAB2uVaV+CXQU" +
		"q2KNxCV+6u45+/6M2NZ0Yc75j6jwL7imwTMalCgCrJaezAnnjahPtyWtREUN0ey6RSlOpVE+/Uz3GL1r5JevHW6wos7ugq5G/qNa" +
		"Qkt0vrI3r9ZCMoOZ9eU91Q9dJxjBKsqTvKdjrvltFVB9J0qks1PqribzcnjpiXLJnMtSrNuity2ivfkq+YEHlT9emB6J3fuR9nlw" +
		"mcxLHb+YJhYbtT3h0rnYB/6nAJxKxfK0K3bL9tAkbnYPuQlcNUxmaglpwbPr5NzlAOOo563mR2RhI5q1+baAQvmCH6pMt5cX+AIC" +
		"hF+Js9Yr4vUFvw41vqXFNdEfPdALrLrH3OobuPFYYn9JA2s3ZjdpU4vz9uNAlcFHe0kXRkA8k/VY+u2bvdWuAawbCZYZtU8pJsuA" +
		"LpkNitso+7TotA8e7V4qZ9NF8KwheHwE91IKW43CX7+kAaSlLrrFGS/udzAB9Y2VYXRSe3U5oDf7EW6mh8mBHebnBY72Hry4Y5Oz" +
		"q47pydfqcb6skPysBLsNEiuosdq10jKsLHNy2t2XFz7wYnRxeRFiLg2WMeTvQEVV8A6vLm/o1kX7Paoa0vfenb32/toNtK/Vw9K7" +
		"WZ/9O441tGylvW213r9+0bEyz+GgjTTDOJmdliDfjLIH+Kt5W7RB/LE70U9nCIbOZYILBhacSir4bPl5cbqbjVPv2sU9JkrJr+fN" +
		"61G8PsFj1KXfHUANPd5RFp3ReM23eOP7XbdocPYWbf7eXbeKP3T1rf2IEtJopY3cuBGLYUNudg4Su1BHaSaEQ9zQxd3pQhebx4IU" +
		"tHGhi6ml40MXQijAE0sg4DZp3/ow8gdyuXoc+Nnuj/6rUAbt30cy8uEZOv2+NVxXl4gOV1NVnWaGJQCnUUC2gaAwCx/K1gPuqx+S" +
		"QwmrnEc9i0/B7gzt67az2u123VQgzFz3Bvwcd/ZA4dLqDroBACGvxF3ee+80bKyrfNxMMa9tCZ2drXKKMqT+wYWSfKUuiRPKSMgT" +
		"0uVEOXZHeHd76DcKaV3u8dZv7K3TKFWGdSbiicvxFDw/HjmFYscFM/jHBTN4H8aooJFUMQfp53YQ/o3WAkZqoVVikY3grHgY+fgV" +
		"xuXGJHhHAIDZBgBASAjhYSqb3ZDJZpdlsdmZuWz2sj1sNnUfmz33AJuNKWezWyvY7NNVbHZBDZu9+QKbbXqZzUZGGcK3TmwdHmN+" +
		"BWwuN4hgRsTGcZ9oYy1zVvCUBxBQihqlxQP0BCZ9C8BI0k9m6qcABqlMg3TDDMAok2m0FTDebpLFNMkGTHcwTUflCgM0TA0ojtGh" +
		"zYYfiC2ANvzgoer1JMmsAaJBXM3SoEmawUf0l2VDz58vR74ioP1s28zrwoDHZ5rSSdpeQQGlmFEafB6FD+8uyHFV9p81Lsg5FT7E" +
		"w+f3y4lqrgh1nZqXK0LFP8jx0fgKn+jdEJ4z6W5uCBU+2cOHeudFMssRHuCp/XKEWpaVyMlz9MCgIQ80WMOCnrVQ4b3FYwjfDVrg" +
		"Zcb2FtKVyiigxECYWCH/omUuyWmnHP4KhkE5aWy19YyRuD/x0JKiyr05JGz2D8NtCsED2hvk/AbERJSo+sI2n6UuSh756Hc9VgQH" +
		"SAvkL86vZzU58dL0mSuKv/YECEqIJe48dRIfonZrk/8lxiA0GmPjDiOO616wgXk4Z8xfr7qRoeLhlU6hp+kqlF8piMEB3EXyM4gv" +
		"mcY/MLkAO3fs+Dg2zpHyEFCJFiSw5I+B8LExSJZfSE4m1eDI4cNpSxIOxXy+0FIAFAeQrMx3XnDSyZxzwv1k3+m6FygMMHa40zA2" +
		"F/yARGMD8YGTJgXcLCoXOc/FjZznkGbh53gQSgChLSCUBELJIJQCQqkglA5CGSCUCUJbQWg7CGWBUDYI7QAhWAB3zmVM7hURbcCL" +
		"zDIPeG4ic+5XbmIfDW6AAMNASLzidCuRqW9cJxZZx1pBztt1nbel/G38QJIpKHBVswbKC1PLC5lp/Q4Iir42/6HqEvuFiqIiANev" +
		"86HJ8x0r+th15WkBBJOTvZL5ZPk5OkxTOqbLaMHWhpXztOE0V1bL0BxOCxOEvNzh9LD+haJkOD25f8eF3XBag1rbdQJOL3kxvjbA" +
		"6Q3ZwYUDcNqR0GQLwE3c798bNAtO+/QjMxXg9B2KfM0GTr94/Xi6Gk5/NnSgo+GUR+6oTCacjqrGHc0tU0cTRHZq6DlsLoL9yk0a" +
		"zWPIaAqKtXo7o3p0h3Wf6Uos5cV0tKLrSeT76jxiH2YV1aGicubF6vTGz9NTMvAug+7Yzc2diWzZt0P4rdCEaZXyCQXEp0hSgi3b" +
		"xAu/JW6x6Lp3l/za1WRdwvVLNkorvVHEZSn59bFbH78JDea7zx9xfF1MaXV5Q1+PsngnMypGTuTKbnswfjCC8e7rCinBnXvx9GvD" +
		"CvG8zL0NaPt3O2YVJbmjHUX1LE1on8Lk1DVuGihJ3DoukNC867QqtMd2NzqOs3BNnW8wLPnVPwznvpc3idLcD3HNO7X0j3OxDI2/" +
		"iZo8zjARWhOZhnqwcVXqXRpnIwpvTQOxQg1535d+SEVK4Kb+BdcEu3jggBsYIFxgMhOc33BokYcf/VRvGDPZyOeHTorCrRWsHU92" +
		"FGBv7rloAhyTHWgvd0veJcE820AKjt43nIxhNXoaCZk+DwkfBNrB0MPiC5563qcN6DX3nzvfuvQE6+vDr8x0yJBSAEA8sfJz3EzO" +
		"iW+hicyxPTd/mwo2kDnf7fCHFgniY31A+9s/2ws9M9uUaQYFaOWAcoglxrTVVb1OfRt5HGRN6J0w4CGtiiNiBdEYqL/O8FcGFRdX" +
		"sGoRsv/ogfBJHKcFOP8jG6bcsa0Rc9yGaWrp2IZJuuIOCMihmEAcEA8kAFuARCAJSAZSgFQgDUgHMoBMYCuwDdgOZAHZwA4gBxiV" +
		"hR/dCKHxaEQNCkcNNAfoKDCdMoIVhdOgL7z50eBsgdR1J61zQhAwC0I2FwhtoaqauoamlrauxsgDl6ChKwyvHE286igXWq20LFFw" +
		"NThE8+GWnF2nEIJHk4ZxmgARE+bl571uFV4SHht5iAh6AngITlH+alry0hZHRXFI03g0UrReS0NeAi6iiSBF/EiRj5YGgBdE6oXJ" +
		"AxYSSDmSQ3n6BwL4GXDfEJ6wUZmrF6rLC1oEjArkCw9zXw//wr3kZ1lkzJSgcIcMYUWv9vbSlOeHR4qfshy5j9bhgQlqXIokhyKJ" +
		"UGbgpfFc2kIdmDYLbwHT4Du3FkBEhXqHcAXzrgoICFwfEMDVEx2+yj9gRHHCUYhEJQ0LkwEJPEDCY0jwWOAFCUyQEEuIJWOpU76b" +
		"JUlwNrQQQFXEkMjiPrAMpC5EkscAJM4AcqsXoAkwzCaB1D9+OMuRBkyRhh6RBo89V9phXlgg+TOa+tvPUX8jiX9Eks+opDZeQi0v" +
		"eTsf9a++5fyNdEGSJoDBwWMWxhX+k4/wEU1mziLfxE331R2JgkwCWAp8wyHCCFt4SBPlcbWFHYkrsAJDOIMi1+Opkz6w+6UPoRKa" +
		"IGLGaIfDRuyYjyKcg8hfidRJH7L9pkujhoS9dsyQZShy5WzqH781+7Mhf/n8mBGO85K7JKl/9a3XnzXmTJ7xKqeQqX/85ui3KnNt" +
		"yp1zXIGNWEIfL7lQhVyh+Hffn0yxuOI0tuLOYG5L9TMIhQLkbDXq//RLk/8wzWCc4La+nY/QBJGPU6l/9WXAmPQJ9hjFHK5kBoFB" +
		"/ryUihyCJyrDORWPd34OOnErFWIIDyFyjR51wjv+cb5f8sv3CXdXwlXIWMJWBvBbPNvJoE55Az8R0Ih+vwO0EjThM4qco0/94yv4" +
		"iZ0bkzYF0M7xEmrQ5DRj6m/fav9G0hRA6+MlZPCS682pf/UO+DfSJwNaCT9hKw8524l80+53b++mglo+B9TGyZwEajUYQiOK3L2M" +
		"Ov5F3Tir1kAT6k9BtCIU4qUlbtRJb8F+06cpiAZb8jKK/HIF9Y9vqP5sycmIBluhlZd8fBX1r94J/VnjcYgGq3wURf7pR/3jq4jf" +
		"qjwV0e5iCY95yfmh5MMBfxeTnhbRJttqPKL1zSDsFCBvDaf+T6PP/2GejUe0pxC5dDP1rwKG/xbR0uLBv4S0NxjCc4jcgtSbFO0b" +
		"NwGe/poAhDYPBNZ2MghF+tPgGoXgR/AjVyWC1CnBuIm4xi8zLa5RCMMg/CMXcjZqfwjMTezhmLSJuAZLgwhVEDk/Be7e7wJtv5E0" +
		"EdcohFIUYSeK3JIG6/U3gbHfSJ+AaxTCTxThM0R+uA0k92WCU0NGUyGtGyRNFDce0iiERojwHiR3bud0e3z8aJxRfSZImAhqFMI5" +
		"eEkAydezORLGh4J+06GJoMYx41eQvCUHMeMfYj1/NuMEUOOYoBRFHs5FTPAXMZw/azwKahyV34Hk4l2Iyn8IqPxW5UmgRiH0oQg9" +
		"KHLtHpC8fTf4d4GJaVFtsrHGUI1C+MhDKOAhvysCqf/TIMV/mGVcVKMQBlCEbIicVooY5i9O9f8R1SgEHYIOufAg7ISUSbpQfgNp" +
		"sDIQYsaOgxzPnXh6H+f9Kb8mEGGLIoGCYBZhuyzMQhSk29lZL1vEPZETe7AqyKVKN6DT6bZ07mVOp0fSGb50Izrdl67vyyljMOh0" +
		"S+RBn0435RT8SuFLB/43CILZ6UFIsXEkzEbXQPKGSN7aF2bT10FaWAuX0A2RPCwPzqtzWkSaZqjS6SONcFRhrFXxUVHhtG3HKXT5" +
		"1R7nMkRuq42Ngj25Krog/GtsFqqoRCIiTDn9MR6Tx70YCM3YKMzTWFPN0ziSHjXKDys1ItQR6Td8mSDjwKn8q1F9TqMM27H2uRei" +
		"NSPa1RkustEekWfEocwf08dren2QR2O7AJcNlhpIPsgGtke0y4gd4NuovP9Y31ANyasi9SN1RkxFpy+bVN90cn36aH1H+kglS4Q+" +
		"ZuexWvq2KhFce+j7cVjXTrKHGcceJlY+q52Rf7s1v+S5jMnjFnGEIj5Hd3KyM6BbOcxXUUF0NjT9w/iutdxgSneNUBkZXwOdUX0M" +
		"ojhMjpP04ch3DbTypxvBY6Ciw8mb2YzUt7W1/WWlX+PBMbmxWbCnL90RmRr2Y/yO0/MjjyYcr9VA+D3H+C1tR5xoGvku6lYjLq3P" +
		"ManLCNGUHjhW3/T39U0cx9c35Nbn9nzDv6lvvDbKyhexRyRS32TE3znDZzgyiEYce7kg88VyxBijQhgMv2nnI+fRxXdsynBEAUTp" +
		"4FWhIeu9w5W9goOVV4WGBkVKR3iHhvkHBUqray1QXaAGb7QkAODf/wDnWQBgQ7dT+z+/uFmKgj4AAA==",
	"int96.parquet": "" +
		"H4sIAAAAAAACA33WDVSNdwDH8Xtvt6tIip7cS5SXruL2Rm9S8dxeFL2HFCKVklQqlbwshBCFbF5ytB2bt7ay4WRmGnO8DZvZxrFh" +
		"nJkxZGeGcWy/f/e3xjk7e87z7X66z71Pz/0/z+3/xMkJXpJaarXHGiW1KSVFd0XHUh3krOhEr4Gt6bWwA10LD6DXwYPp9bAXvQEe" +
		"SW+Ew+k34Wj6LXgcvQmeTm+BZ9Jb4QK6Hi6lt8HL6O1wNd0Ab6DfhrfQ78C76B1wE/0ufJB+Dz5C74TP0rvhi/Qe+Aq9F75BN8IP" +
		"6A/gx3QT/IJuhs2UJu+DbemPYC29H3akD8B6+iDsTbfAI+hDsJH+GI6kD8NJ9BE4lf4UzqSPwrl0K1xOH4MX08fhKvpzuIY+AW+j" +
		"T8I76FPwXvo0/CF9Bm6lv4BP0ufg8/R5+Bv6AnyL/gq+S1+EH9Ffw0/pS7BGZfK3cFf6O9iOvgz3pq/ArvRV2JP+Hvajf4CD6Wtw" +
		"FH0DTqR/hFPom3AafQvOp3+CS+jb8EL6Z7iSvgOvp+/Cm+l7cAP9K7yTvg8foB/Cn9Bt8HH6EXyG/g2+TP8OX6cfw7fpP+D79BP4" +
		"Of0MVpmZ/CdsST+HbegXcF/6JexM/wUbaEWws2IYrYRl2gyOoNVwLG0OT6A1cAZtAc+iLeFCujM8j+4Cr6C7wmtpa3gj3Q2up23g" +
		"PXR3eB/dA26h7eCjtASfo3vCl2gtfJXWwTfpXnAb7QA/ofvAL+m+sLnaZEe4B90PlhTSchVWg9SokmwkjaQR/43t0KAn1+Y/PPLa" +
		"D49OjhUV00a5aK2rKqd/lu3ft7Yqw7h7ovum6hnHfykLbqjNDh28OWZXXc6JnEOpzZtyw/deyWupzzt579mi1oaCCEOvmlM7Ck/n" +
		"Bmz/clfxmPdTmi43lpy9X370RnNZlPvWC3f2l5/LO3y9rWVBTNPVh5hJmi2xRokD+2cmEV9KcfGIDyY+hLk4g0jMLBbirImzJc4S" +
		"shJnSJwZcUbEmUC24iyI0ednlJC9GGkxwmJkxYii3mI0xSiK0ROjhpzEiKH+SMxSA5Ez0ouxQi7IFYlZawgyIDfkjjyQJxKz2FA0" +
		"DHkjH+SL/JA/Go4C0AgUiILExY3EjDcKyciIQlAoCkNiBhyNIlAkGoPGoigkZsQYFIviUDxKQIlIzJDj0QSUhCaiZJSCJqHJaApK" +
		"RVPRNJSGxGyajjJQJpqBslA2ErNrDpqFctFslIfykZht56BCVISK0VxUgsTsW4bmoXI0Hy1AC9Ei9AaqQIvRErQUVSIxUy9HK1AV" +
		"WolWodXijkPcaYg7DFQj7i7EXYW4mxB3EahO3EG0XwPSMRXWV74BWrXYoG3/mtgrXF75zdaWV1+jSmkxSKFUmanNNZ0sLDt3sepq" +
		"3c3GtnsPO8m+p1bXq7dDn76OTv36DxjorB/k4jp4iMHN3cPTa+gwbx9fP//hASMCg4JHjpKNIaFh4aMjIseMjYqOiY2LT0gcN35C" +
		"0sTklEmTp6ROnZY2PT0jc0ZW9sycWbmz8/IL5hQWFc8tKS2bVz5/wcJFb1QsXrK0ctnyFVUrV62uXrO2pnbd+g11OFhJrQv0UWg1" +
		"RenZmbPTJLVC0jirtOriouG+CkkFKssU9o0qnYPOoFc4SBqdj0JjozO9QBJb7Ot0WPV37fUWrgZ8E/EuMU42eAh01ej0gW3K9ivf" +
		"QVLxvcoy0xufWmHVP+ivr9f9/zDq/mu/GFbx2mo9dqW3wKMCe7GSExJikwJMH0b7VOkhFj9ZLPGyaRkry6WyMUsOl+UsOSSr/Tmj" +
		"UZajBUJkObL9iX8fZRON0R2/R5djp/5AWEhY+5Ol4meY3LEIGr25v2jxd/CSyI7NiTweY7zYPlqW0+VQ7rxjJ/H57ccb8dqh8+9H" +
		"JJTHjksGkvn+ZG6N5mNQkELrVJBWOGduZrFbekGBW1phYX6pU0lmYdHM/Dynob7unu5eOoOD6R+XCuMYh/vxvwHFAnHxlAsAAA==",
	"encodings.parquet": "" +
		"H4sIAAAAAAACA+1aCViTx9aeLEBkCZsJiSKilRTRQAIEQaOSyBIQZBMUimULoiLKJRRxQSN1iYpeqlLR8re4VQRbqbuVXsEul1+t" +
		"Qgt1q5VSK1S9Fr0uWCm5Z74vC5CA+j8+/+1zbw8nM/NNZt45c+bMN3MOiZREC1mmrPGs8YmsegrLFSemLEcWsnPkUCgcCmK7uhK5" +
		"rS1CaOiTH5b++pkmsbCAGtbOwaEahn5NNGA9kLkGiD7Idlsthw7NawGux5MRUCWFHqkGMvtqh6Ut8T1CRUNMiby2IgX9sSsGJtDQ" +
		"JitgQw0xkPLzE0+PJ9VBiSSsKSO1xjRGJTWGaYVSeeR8042vaJ6efQefE3b7kq8xqf784j/2iz/pOduxzBxYvx3tyO3oA1svjWii" +
		"FOq2nrE3IKJQ6SamZoPMLSyZ1ja29oNZbA53yNBhTsOdR742yuV119FuY/nuHkJPL2+fcb5+E8QTJ/lLpFMCg4JloVPDwiMio6Kn" +
		"x8bNiE94I/HNpOSUtD/X5A9GSsxK5SvLwWCoNBrdBIzGjMEYZA6GY2llxbQG47G1s7MfDAbEdnDgcMGIhjo6DnMCQ3IeMWLka2BM" +
		"Ljze665gUG5jxozlg1F5CAT45C4zATawYHy83pXgtLwOH7n6J2NW/Aen8rLS4iLVqvzsOcmRMn9fV2eODepoaaguL1b6O6NaYpmc" +
		"/ZOLy6trWzoQg+PsKvCXRc6ck52vVBUVby0r31NRfeREzRf15xsuf99y826dEarV0enTaPJkfx1Jnk/9vkfg3eHfzUkVxUi1bxFH" +
		"8lg3qDW2KlVVVbEI/nBSFUuWq1AVJJARZU09VMYaL/dsjyorK3V4lbFkuRJVQgIZLiublW7NbpBAZrTsX3Lb/zYkkJX4o7Pjc4bd" +
		"9LvpF/wg+EFZcFnw02lPp+1+uhsSyHC5K6prX9Q+SCAzWu6OqeiugASymG4Epi0avveg6PrwvW1uWQ9EE64Pr0ulBbWtc8tiHoza" +
		"IvpuwnX+8ovZdbaptOl7H21r813ntvSc42fMpINROx9MuSla/d2Em0Xeq/nfLb+4aHg9BzU1NYUkcTeFUJK4eU3COyExlCSrmsz6" +
		"PJcmYcumiTtCnsRQ4qvNjlml12Se4WYPz7vg0jSm8KqqZdymiVvvTLkfUv4kprsy7qN4erXZ4STzVNTc3GxRfqrDwr78lKw5rcAi" +
		"zL48g/9wpcy6OW10x/EAi8Yw+7wrE2kZZ/kPZ5xy+llWZd3sV6b+avTGjuNDCn7cZ7GgMazg4I8BeRVXJi4o/0bk2N7JsLZjDR0+" +
		"YiQcFG58DwE+JvA54Tt+wgTxJDBCsC3plClTAgICA4OCgoNlspCQkNCpU+HkCA+fFhEREQkUBRQNFFMLjV8lgVUXDwLWW7Wl7nQ0" +
		"U/jxP9//+X4OTSHg93OJN7Wg0+lIVajazFifba4qLC1krFOaq95WFZqtV5qvK1StZKxXWqhyVIWMHUpz7V4HPIUQsBWexAAKb75C" +
		"hB99yMdxRAYFPL5CKCBrhUJttdATuntrakW6Wh++QqAHhYIXX4FbKURaWIUvX4OqxyXxcOqlqffW1YtIRFzU1sHQXnpMQmZCXgKa" +
		"RCUlJVH1uFpZsZzEk354EpLQg6YKBvbRgxIyk/JqtYBRSUm1GtDiaoTVqlY3uDffQL2+fI2Ge2uWmJ9Ov1qtasb11OPpNasbeRzf" +
		"iHZhfhoNa+cHVldEAyaszgknTI3VObky5qfkZKQ7+/lyzMiSgDS935efvvHrk2dEZgamF4soNCoVRWweFbp5VCTBKbGr4Y8Vx4qL" +
		"nRmLDwxoxbSg0WioOuvZ0axrBwlennXtcSbmY0kE/371mBU2Ss1osD1FPuP8hALtfc5TICSqfL2IKhFUeUOJqPITEVU+vn4++Eui" +
		"apwWwlcH4aeFgIl30YCNXUZpaRQqhwZ3h/+HKyjlFRP1FRPo6aoZsF5PGgPhmKnV7cfXcRAUHrd9sjEZhy4M6vp5WeF7GRWlaawE" +
		"bERnMIi0lkgmDbcoq1wCf7f3V+6rfF9TdMMtNOjdv9Fl6AlbulSAAr6di1Di0BvtSCGPa0DrD3x9Ap2ceEqFGtZ4ZqO2C/tnIrWD" +
		"sz/q5FcwbVBAx6pOlOj7rAUpVubUo112yaXoZMIlJWrYPW0OarvzZSR6yl522Bnxv3RjoECr8g6UGOdwGa1vM6lAuzyWFaOTi/6Z" +
		"jxpq5yUjddRMAfqNvf0iB/FbgxAKdKsBIU5VnkAb6CPK0a6wUhU6WWKdjdpdfvdH6gW5rugZ+9gdG8RXp4AQxRH1SHH5q2q0YcTE" +
		"UrRr7hEQ4rddkah9CtcXqTcUO6MudpMZCCF/eBklfpRZixSPWivQhknxIMTF4GTU6PA3GWpPFgmQuuIAB/3u7re9HQUW2jSgxLNr" +
		"T6Bcu24QYvfdbHTybtpM1Oh91R+1F0S5om4H5qRO5B53tAUFfjC2HiW27QYh8t9Rol11jDno00ErIlFj1GMQovUmA5Q3JqEDuSsa" +
		"L6PAGlktyg33KUYbSj7KR7t+GJWMPuW9B0LgpQeDOUMBNhKWwqcOh37qvlqN78j6p36MZJ1fqKmpKUKR1P87v4j7yWEcXSMYzVWr" +
		"1XBB7EgY46AmBDRSa+x9YMZ0fM1NODkofHrq3OxFq4u27Kg4eOyzc99cabn3qItmyxnO854gDZnxZvr8JStVf/2fPVWHav9+ofmn" +
		"2/c7Ta0GDx0tGDcpLCYhZWFewarN28v3He0Iq0iu4eSOVd3075xebfmF87LLxXdlexJPDM52XdUy8VHUR4Pqhi1u3vhL4M74o7ZZ" +
		"Liuv+90P32/yGfetxvW3pO/HHWLOG7n8qs+90A+pn7JzLqxJWLnv4RBJxpGr6HXFjto2rwTlh//k+s8+fAXxFNtP3/KMX/HhA+7k" +
		"9EOX1S45pad/9py5fO99zqT0Ty53j/rLtr/dFM5Yvue+w0R59aXfR2Vv++wnwRiBaHJgaET8m/K5ivyCwo2bt5V9eOCTY7Vfnmu4" +
		"euPmLw+fdtOs7DnDXh8rHCcJmhr5RnL6vNwlK1Zt2lL6fsVHh46f+fv5xms/3rrz6De1ifVgrtNoh+cS5wWJS5D6v4zAqkexRiWy" +
		"5KzB8DFl2fQIJQ/uEUq2Jg2WigOoFkQAGRrXUoG1fc01fek3En+q5dAPbCutBYQeT71wYIO67tt56jEZN/63hXiNBZlaMfedFQMp" +
		"VW1HE2zPYCdw/az8wLQ6mJ2R2t6zpNJd1eqD+x7uvF5WoIv1/hnx/CPGFotNgLXLbkcuuw8scQkZWQrlMORkW89eSyxPnz1n7rzM" +
		"rAULs3MUuW8tyl+8ZFnB8hUrC99etWatat2Goo2bit/ZvKXkvy3G5om9YxFclfGtefz4CWK4yZJOspRwkcFDxg4yfo00UIH7aB5H" +
		"vxKkOO2Q4NeI/qmX9l/15DoediIq3dTckmkzmM0Z4uQ8cpSr21h3T28fX/Ekf2mQLDQsMnp6XILkBb33fuyKw6i6XfG0vT1RymHE" +
		"lsTUWWXESPHrxLC212z7xJP6LfeM+wxU7hnPGahcN9c21fzwGwemd+199H7Qvcltxb7rhFcKv1n62jnHL7JYs5nHkg7ORBVPrU6m" +
		"18yxP80+k8XNdqxXnMsbecGlcZnrijGXCq+uFl73btkwbtP4W++0Z5Se5Se9c4Y3Y90pp8iVh9myJVXW/jl7zPzmlamFaVs7R7+x" +
		"sWNkzOr2mJiY6UCxQHFAM4BmAsVjSgB6AygR6CViJN/TgbWrYanb5YM03m7PGEnPo4phRQfjW7dl+5bR770zZPuW7Vu57xUP3b5l" +
		"B62n9RBxBsJ710YbtEEGjQ8u0rvX+kCDn86/FvCNxRrA3yfjDT3jDIQb7sXvFWMgwwH6UEOfOIPO4SciDgaxBm0kp2ecoWcsRxdj" +
		"MIzi4C6g23epwFi3TOJD6pbpOoj0x4XefhxtUUCGAqzJQADW8BhEocNu5tra2jrDh2JHflbHmiCNSzfGzhqvgVKlUi2GT+la8kM8" +
		"9FgD3QhaF1+oc/E9tS6+l87F99a6+CC+kgpseADQSrA3L9d48y/72n/VfjfIuZUOrJVTo2aOGaLn/nBmDnjOGj3A68SgzsCssR+N" +
		"0AytA81CWmW7Yv8ZoQqt4+zW6y3pIMtrR+7F/2hAs0ZcK0e586JVaMOh/81Gu575g4tY5O6K2pv22iAKGja0EzmkbwYX8bGyGs2a" +
		"9KQU5a5doEQbLv4MLmLyt76ocX+oM2q/X8dAVDR+HLiI51xqUZB9WQWalWhfjHL3rM9Hu0X5MvRpwa8C1PjVbA76hXkdIZrDB2cb" +
		"kHu75AQKEpwoR7MWe6hQkfmwmWh39FZ/9Ol7Fq6o8adCG0RHuQtbkEPNrXrkYTKrGgWFN4EQWC+gy1UUYIMbbIAZdi09SC32eDLQ" +
		"35uh2MF8cR9ywMsGh2Gv/NhtCOEx1rTGuWNfBB8KhrW95Kj5/OzlG7f+8Yw6yMbJZayXRBYRJ8/MWbx2U0lZ5ScnTn/ddK2140m3" +
		"iX3rpB3RH5vPdlp6yetO8G71cfuF596+MWFbRJVZ2tBF33q0Tfng2WHrzHplXMHuDvbEtOrvul5b+G5Nq0fcsl2/ssSpB5u7Ri4s" +
		"OdXqHrt05z3WhJSP3b18pbLw6MSU2fPzlipXF5fs+GD/wSMnP6//+tvrrW13n3RRTG3YQ53duM+jIST92zwgOvd7EeKYKtLmpGel" +
		"sDiIhVyoHEoqYlEhp8318kQsOlHy8daU3vLxdnEMO2Dvb4dXk4GrZuNm5kQJN7PEEAoXFOaIW+An6nzdIxMMADdUpOIyE8om8vQ0" +
		"ocjFnEVnOY1NxCluR4wv9/J0sQybj5/x2Ca5iqQshYtdWJGdoyO50Q9QuWO553nIkYW4LFMuiM5C7HoKexNmHkNs8MMgLrTEIiDx" +
		"aFMuz7WcAii4O5XrYmrOJaZMInxBB+a9SxEP+JMgAs7cEI6uhfPxJuHeZwLzrpqIX+r3MwPB23GJxSDhV1kA8zrtxf3+HoCAsjOE" +
		"YmigZmsnXmQKzOtyEg/4j9n+4My1cFrJDlgA81Qu4pf6D2N/8JYAbwnLrCDB7w4C5h0RiI38o4eAsMQQbCWDa4DC5GKzJGEe0IB5" +
		"5ePF/UXuCSwmgVVrjrGcKrVYTO2EFRrTa6AD8zZPEveJhvc3JSYpDLkNSIhWBjCvVSp+4UCxXkDjZi3Xru4hKjDvi6niAUOKz7E7" +
		"ciP2XN/H4eKXCgUaUwZ7RzwA8hiQI4M9LWfnsnN5u+LFBvGZ3jt6cKTRDS1nH6AB895NEA8YpOk9cR1Y7+0sZ98zA+admSV+qdjI" +
		"AOD6zSxnPzQB5lWni/v1wHtrTwfUeyvL2TU0YN6eTPGADmU/YL03spxdZgrMa1kgfin/rR/wnttYzj5hAszryhUbdUZ67ONOGrcv" +
		"im4by9ndVGDekSXiAe7dPTbyGlMMxowzuo/l7AYqMO9QgbjPNbifGfXdxXJ2qQkwr1AJJ8iLXlB772IDU5Zr1rWDAszbsRqfTQNc" +
		"1wY2N90e1i7t+rWA9zLXMCOaYK/yZsthl0IOX3MsJdHRETPGk7cLToupByZvyRSJRBKl+UHKVIlkkUSaIQmSSDIkUzKIOqlUIgnH" +
		"BWgYQlTocwluD5QJzSVekkBAWATVUm+MGI2fpRnwHEA0WoyTUFyUEsjTiP7E0GkeeR4exI8W5hCV8Xp8goJwIpdNm506E4sSkK5t" +
		"LwmcN8bDwxeKgSGBRCcCL1DfFbeXZoYvCZFIoY8HIYl0kba/NJ9olGFsvITguHnh02NxMYTQC5ETTSN1vabqxo8cYPysNM8QyTRi" +
		"fEL+KO34QeSgsX3Gx2siSZVB2/AAwPcQ6OSNNtqeKKbhuUVMx/LE46Ul6vONtg8g5jcvXiCZlupByh8iiYrU6CcqnJiETL8+Et1S" +
		"B8cvCc8glwiEDNYsFTHlNF3/kP77y2I9p0l0/QPJ/qRkC/v0DzI6fib0D4jVzE8zs4Bw3XxJ+0kzNt+U6eGL8aIFEOuYRiqZlD1D" +
		"s2ix+HuwTpnGrqP0IIHB5Ppm9FlfXJTO1YwX2FNexHHOTsn5y1vpufy07Gx+Sk7OwkXOeek5irkLFzh7+rgL3IXc83Bzfi4jriV4" +
		"dpJo4b8ABSNK1HQvAAA=",
}
