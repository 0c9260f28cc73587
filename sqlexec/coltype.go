package sqlexec

import (
	"github.com/alopexdb/alopex/core"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/mysql"
	"github.com/pingcap/tidb/pkg/parser/types"
)

// columnType maps a column's SQL type to the Arrow type it is stored as:
// the integer types (UNSIGNED too), DOUBLE/FLOAT/REAL, DECIMAL(p,s) kept
// exact, VARCHAR(n)/CHAR/TEXT, BLOB/BINARY, BOOLEAN, DATE, DATETIME and
// TIMESTAMP (microseconds), VECTOR(d) (d float32 values).
func columnType(column string, tp *types.FieldType) (arrow.DataType, error) {
	unsigned := mysql.HasUnsignedFlag(tp.GetFlag())
	pick := func(s, u arrow.DataType) arrow.DataType {
		if unsigned {
			return u
		}
		return s
	}
	switch tp.GetType() {
	case mysql.TypeTiny:
		if tp.GetFlen() == 1 && !unsigned { // BOOLEAN is TINYINT(1)
			return arrow.FixedWidthTypes.Boolean, nil
		}
		return pick(arrow.PrimitiveTypes.Int8, arrow.PrimitiveTypes.Uint8), nil
	case mysql.TypeShort:
		return pick(arrow.PrimitiveTypes.Int16, arrow.PrimitiveTypes.Uint16), nil
	case mysql.TypeLong, mysql.TypeInt24:
		return pick(arrow.PrimitiveTypes.Int32, arrow.PrimitiveTypes.Uint32), nil
	case mysql.TypeLonglong:
		return pick(arrow.PrimitiveTypes.Int64, arrow.PrimitiveTypes.Uint64), nil
	case mysql.TypeDouble:
		return arrow.PrimitiveTypes.Float64, nil
	case mysql.TypeFloat:
		return arrow.PrimitiveTypes.Float32, nil
	case mysql.TypeNewDecimal:
		p, s := tp.GetFlen(), tp.GetDecimal()
		if p <= 0 {
			p = 10 // MySQL's default DECIMAL is DECIMAL(10, 0)
		}
		if s < 0 {
			s = 0
		}
		if p > 38 {
			return nil, core.Errorf(core.KindNotSupported,
				"column %s: DECIMAL(%d, %d) has more than 38 digits; use at most DECIMAL(38, s) or DOUBLE", column, p, s).
				With("column", column)
		}
		return &arrow.Decimal128Type{Precision: int32(p), Scale: int32(s)}, nil
	case mysql.TypeVarchar, mysql.TypeVarString, mysql.TypeString:
		if mysql.HasBinaryFlag(tp.GetFlag()) && tp.GetCharset() == "binary" {
			return arrow.BinaryTypes.Binary, nil
		}
		return arrow.BinaryTypes.String, nil
	case mysql.TypeBlob, mysql.TypeTinyBlob, mysql.TypeMediumBlob, mysql.TypeLongBlob:
		if tp.GetCharset() == "binary" {
			return arrow.BinaryTypes.Binary, nil
		}
		return arrow.BinaryTypes.String, nil // TEXT
	case mysql.TypeDate:
		return arrow.FixedWidthTypes.Date32, nil
	case mysql.TypeDatetime, mysql.TypeTimestamp:
		return &arrow.TimestampType{Unit: arrow.Microsecond}, nil
	case mysql.TypeTiDBVectorFloat32:
		d := tp.GetFlen()
		if d <= 0 {
			return nil, core.Errorf(core.KindInvalidInput,
				"column %s: VECTOR needs its dimension, as in VECTOR(384)", column).With("column", column)
		}
		return arrow.FixedSizeListOf(int32(d), arrow.PrimitiveTypes.Float32), nil
	}
	return nil, core.Errorf(core.KindNotSupported,
		"column %s: type %s is not supported; use BIGINT, INT, SMALLINT, TINYINT, DOUBLE, FLOAT, DECIMAL(p,s), "+
			"VARCHAR(n), TEXT, BLOB, BOOLEAN, DATE, DATETIME, TIMESTAMP or VECTOR(d)", column, tp.String()).With("column", column)
}
