// The subset of onnx.proto (ONNX's protobuf schema) that export needs, as a protobufjs JSON descriptor.

import protobuf from "protobufjs/light.js";

// Field numbers and types follow onnx/onnx.proto exactly, with its proto2 semantics (a field set to ""
// or 0 is still written; repeated numbers are packed only where onnx.proto says so). Names are camelCased
// for JavaScript, which does not change the wire format. Messages and fields export does not use are left out: a reader
// skips what it does not know, and protobuf readers skip unknown fields of ours just the same.
const ONNX_DESCRIPTOR = {
  nested: {
    onnx: {
      nested: {
        AttributeProto: {
          edition: "proto2",
          fields: {
            name: { type: "string", id: 1 },
            refAttrName: { type: "string", id: 21 },
            docString: { type: "string", id: 13 },
            type: { type: "AttributeType", id: 20 },
            f: { type: "float", id: 2 },
            i: { type: "int64", id: 3 },
            s: { type: "bytes", id: 4 },
            t: { type: "TensorProto", id: 5 },
            g: { type: "GraphProto", id: 6 },
            floats: { rule: "repeated", type: "float", id: 7 },
            ints: { rule: "repeated", type: "int64", id: 8 },
            strings: { rule: "repeated", type: "bytes", id: 9 },
            tensors: { rule: "repeated", type: "TensorProto", id: 10 },
            graphs: { rule: "repeated", type: "GraphProto", id: 11 },
          },
          nested: {
            AttributeType: {
              values: {
                UNDEFINED: 0,
                FLOAT: 1,
                INT: 2,
                STRING: 3,
                TENSOR: 4,
                GRAPH: 5,
                FLOATS: 6,
                INTS: 7,
                STRINGS: 8,
                TENSORS: 9,
                GRAPHS: 10,
                SPARSE_TENSOR: 11,
                SPARSE_TENSORS: 12,
              },
            },
          },
        },
        ValueInfoProto: {
          edition: "proto2",
          fields: {
            name: { type: "string", id: 1 },
            type: { type: "TypeProto", id: 2 },
            docString: { type: "string", id: 3 },
          },
        },
        NodeProto: {
          edition: "proto2",
          fields: {
            input: { rule: "repeated", type: "string", id: 1 },
            output: { rule: "repeated", type: "string", id: 2 },
            name: { type: "string", id: 3 },
            opType: { type: "string", id: 4 },
            domain: { type: "string", id: 7 },
            attribute: { rule: "repeated", type: "AttributeProto", id: 5 },
            docString: { type: "string", id: 6 },
          },
        },
        ModelProto: {
          edition: "proto2",
          fields: {
            irVersion: { type: "int64", id: 1 },
            opsetImport: { rule: "repeated", type: "OperatorSetIdProto", id: 8 },
            producerName: { type: "string", id: 2 },
            producerVersion: { type: "string", id: 3 },
            domain: { type: "string", id: 4 },
            modelVersion: { type: "int64", id: 5 },
            docString: { type: "string", id: 6 },
            graph: { type: "GraphProto", id: 7 },
            metadataProps: { rule: "repeated", type: "StringStringEntryProto", id: 14 },
          },
        },
        StringStringEntryProto: {
          edition: "proto2",
          fields: {
            key: { type: "string", id: 1 },
            value: { type: "string", id: 2 },
          },
        },
        GraphProto: {
          edition: "proto2",
          fields: {
            node: { rule: "repeated", type: "NodeProto", id: 1 },
            name: { type: "string", id: 2 },
            initializer: { rule: "repeated", type: "TensorProto", id: 5 },
            docString: { type: "string", id: 10 },
            input: { rule: "repeated", type: "ValueInfoProto", id: 11 },
            output: { rule: "repeated", type: "ValueInfoProto", id: 12 },
            valueInfo: { rule: "repeated", type: "ValueInfoProto", id: 13 },
          },
        },
        TensorProto: {
          edition: "proto2",
          fields: {
            dims: { rule: "repeated", type: "int64", id: 1 },
            dataType: { type: "int32", id: 2 },
            floatData: { rule: "repeated", type: "float", id: 4, options: { packed: true } },
            int32Data: { rule: "repeated", type: "int32", id: 5, options: { packed: true } },
            stringData: { rule: "repeated", type: "bytes", id: 6 },
            int64Data: { rule: "repeated", type: "int64", id: 7, options: { packed: true } },
            name: { type: "string", id: 8 },
            docString: { type: "string", id: 12 },
            rawData: { type: "bytes", id: 9 },
            doubleData: { rule: "repeated", type: "double", id: 10, options: { packed: true } },
            uint64Data: { rule: "repeated", type: "uint64", id: 11, options: { packed: true } },
          },
          nested: {
            DataType: {
              values: {
                UNDEFINED: 0,
                FLOAT: 1,
                UINT8: 2,
                INT8: 3,
                UINT16: 4,
                INT16: 5,
                INT32: 6,
                INT64: 7,
                STRING: 8,
                BOOL: 9,
                FLOAT16: 10,
                DOUBLE: 11,
                UINT32: 12,
                UINT64: 13,
                COMPLEX64: 14,
                COMPLEX128: 15,
                BFLOAT16: 16,
              },
            },
          },
        },
        TensorShapeProto: {
          edition: "proto2",
          fields: {
            dim: { rule: "repeated", type: "Dimension", id: 1 },
          },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ["dimValue", "dimParam"] } },
              fields: {
                dimValue: { type: "int64", id: 1 },
                dimParam: { type: "string", id: 2 },
                denotation: { type: "string", id: 3 },
              },
            },
          },
        },
        TypeProto: {
          edition: "proto2",
          oneofs: { value: { oneof: ["tensorType"] } },
          fields: {
            tensorType: { type: "Tensor", id: 1 },
            denotation: { type: "string", id: 6 },
          },
          nested: {
            Tensor: {
              fields: {
                elemType: { type: "int32", id: 1 },
                shape: { type: "TensorShapeProto", id: 2 },
              },
            },
          },
        },
        OperatorSetIdProto: {
          edition: "proto2",
          fields: {
            domain: { type: "string", id: 1 },
            version: { type: "int64", id: 2 },
          },
        },
      },
    },
  },
};

/** ONNX `TensorProto.DataType` codes used by export. */
export const ONNX_FLOAT = 1;
/** ONNX `TensorProto.DataType` code of float64. */
export const ONNX_DOUBLE = 11;
/** ONNX `AttributeProto.AttributeType` codes used by export. */
export const ATTRIBUTE_FLOAT = 1;
/** ONNX attribute type of an int64 attribute. */
export const ATTRIBUTE_INT = 2;

let root: protobuf.Root | null = null;

/** The `onnx.ModelProto` message type (built on first use, so importing chainrule costs nothing). */
export function modelProtoType(): protobuf.Type {
  root ??= protobuf.Root.fromJSON(ONNX_DESCRIPTOR);
  return root.lookupType("onnx.ModelProto");
}
