"""Regenerates `tfgraph/framework/tf_op_defs.pbtxt`: TensorFlow's OpDefs (the public op
signatures: inputs, outputs, attrs and their defaults) for the op types tfgraph reads and
writes in GraphDefs.

Run with a Python that has TensorFlow (never a tfgraph dependency), from the repository root:

    /path/to/tf-venv/bin/python tools/gen_tf_op_defs.py

It lists tfgraph's registered op types by scanning the sources for `@register_op("...")`
(no tfgraph import, so the TF venv needs nothing else), adds the op types TF's own builders
emit (`EXTRA_TF_OPS`), and writes their `OpDef`s as a text `OpList`, sorted by name.
"""
import os
import re
import sys

EXTRA_TF_OPS = """
Switch Merge Enter Exit NextIteration LoopCond RefSwitch RefMerge RefEnter RefExit
RefNextIteration RefIdentity ControlTrigger Abort StackV2 StackPushV2 StackPopV2 StackCloseV2
TensorArrayV3 TensorArrayReadV3 TensorArrayWriteV3 TensorArrayGatherV3 TensorArrayScatterV3
TensorArraySizeV3 TensorArrayConcatV3 TensorArraySplitV3 TensorArrayCloseV3 TensorArrayGradV3
TensorArrayGradWithShape FusedBatchNorm FusedBatchNormV2 FusedBatchNormV3 FusedBatchNormGrad
FusedBatchNormGradV2 FusedBatchNormGradV3 DynamicStitch ParallelDynamicStitch DynamicPartition
Assert Print PrintV2 CheckNumerics PyFunc PyFuncStateless EagerPyFunc IdentityN Snapshot
StringJoin StringFormat AsString StringToNumber Substr RegexReplace StaticRegexReplace
SaveV2 RestoreV2 MergeV2Checkpoints ShardedFilename ShardedFilespec Save Restore RestoreSlice
StaticRegexFullMatch RegexFullMatch
VariableV2 Variable VarHandleOp ReadVariableOp AssignVariableOp VarIsInitializedOp
TemporaryVariable DestroyTemporaryVariable ScatterUpdate ScatterAdd ScatterSub ScatterMul
ScatterNdUpdate ScatterNdAdd ResourceGather ResourceScatterAdd IsVariableInitialized
ReportUninitializedVariables Placeholder PlaceholderV2 PlaceholderWithDefault Const
Identity StopGradient PreventGradient NoOp Add AddV2 AddN Sub Mul Div RealDiv TruncateDiv
FloorDiv FloorMod Mod TruncateMod DivNoNan MulNoNan Maximum Minimum Pow SquaredDifference
Atan2 Select SelectV2 BroadcastTo BroadcastArgs BroadcastGradientArgs Cast Bitcast
BatchMatMul BatchMatMulV2 BatchMatMulV3 MatMul SparseMatMul Conv2D Conv2DBackpropInput
Conv2DBackpropFilter Conv3D DepthwiseConv2dNative MaxPool MaxPoolV2 MaxPoolGrad AvgPool
AvgPoolGrad MaxPool3D AvgPool3D BiasAdd BiasAddV1 BiasAddGrad LRN Relu Relu6 Elu Selu
Softplus Softsign LeakyRelu Sigmoid Tanh Softmax LogSoftmax Erf Erfc Lgamma Digamma
Sqrt Rsqrt Square Exp Expm1 Log Log1p Abs Neg Sign Reciprocal Inv Floor Ceil Round Rint
Sin Cos Tan Asin Acos Atan Sinh Cosh Asinh Acosh Atanh IsNan IsInf IsFinite LogicalAnd
LogicalOr LogicalNot Equal NotEqual Less LessEqual Greater GreaterEqual ApproximateEqual
Sum Mean Prod Max Min All Any ArgMax ArgMin Cumsum Cumprod Range LinSpace Fill ZerosLike
OnesLike Shape ShapeN Size Rank Reshape ExpandDims Squeeze Transpose ConjugateTranspose
ConcatV2 Concat ConcatOffset Pack Unpack Split SplitV Slice StridedSlice StridedSliceGrad
Tile TileGrad Pad PadV2 MirrorPad MirrorPadGrad ReverseV2 Reverse GatherV2 Gather GatherNd
ScatterNd UnsortedSegmentSum UnsortedSegmentMax SegmentSum SegmentMean OneHot Where
Unique UniqueV2 TopKV2 TopK InTopKV2 InTopK InvertPermutation MatrixDiag MatrixDiagV3
MatrixDiagPart MatrixDiagPartV3 MatrixSetDiag MatrixSetDiagV3 MatrixBandPart
MatrixInverse MatrixDeterminant Cholesky Qr Svd L2Loss SoftmaxCrossEntropyWithLogits
SparseSoftmaxCrossEntropyWithLogits RandomUniform RandomUniformInt RandomStandardNormal
TruncatedNormal RandomShuffle Multinomial ApplyGradientDescent ApplyMomentum ApplyAdam
ApplyAdagrad ApplyRMSProp ApplyCenteredRMSProp ApplyAdadelta ApplyFtrl Assign AssignAdd
AssignSub ReluGrad Relu6Grad EluGrad SeluGrad SoftplusGrad SoftsignGrad LeakyReluGrad
SigmoidGrad TanhGrad SqrtGrad RsqrtGrad ReciprocalGrad MaxPoolGradGrad AvgPoolGrad
DepthwiseConv2dNativeBackpropInput DepthwiseConv2dNativeBackpropFilter ResizeBilinear
ResizeNearestNeighbor ResizeBilinearGrad ClipByValue Einsum Complex Real Imag Angle Conj
QueueDequeueV2 QueueEnqueueV2 FIFOQueueV2 RandomShuffleQueueV2 QueueCloseV2 QueueSizeV2
HistogramSummary ScalarSummary ImageSummary AudioSummary MergeSummary TensorSummaryV2
ReadFile WriteFile MatchingFiles DecodeRaw DecodePng DecodeJpeg EncodePng EncodeJpeg
ParseExample ParseExampleV2 ParseSingleExample SerializeTensor ParseTensor
SparseApplyMomentum SparseApplyAdagrad SparseApplyRMSProp SparseApplyCenteredRMSProp
SparseApplyAdadelta SparseApplyProximalGradientDescent SparseApplyProximalAdagrad
SparseApplyFtrl SparseApplyFtrlV2 SparseApplyAdagradDA
BitwiseAnd BitwiseOr BitwiseXor Invert LeftShift RightShift
Erfinv Ndtri BesselI0 BesselI0e BesselI1 BesselI1e BesselJ0 BesselJ1 BesselY0 BesselY1
BesselK0 BesselK0e BesselK1 BesselK1e Dawsn Expint FresnelCos FresnelSin Spence NextAfter
FFT IFFT FFT2D IFFT2D FFT3D IFFT3D RFFT IRFFT RFFT2D IRFFT2D RFFT3D IRFFT3D FFTND IFFTND
RFFTND IRFFTND
""".split()


def registered_tfgraph_ops(root):
    names = set()
    for dirpath, _, files in os.walk(os.path.join(root, "tfgraph")):
        for f in files:
            if f.endswith(".py"):
                with open(os.path.join(dirpath, f), encoding="utf-8") as fh:
                    names |= set(re.findall(r'register_op\("(\w+)"\)', fh.read()))
    return names


def main():
    from google.protobuf import text_format
    from tensorflow.core.framework import op_def_pb2
    from tensorflow.python.framework import op_def_registry

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    wanted = registered_tfgraph_ops(root) | set(EXTRA_TF_OPS)
    out = op_def_pb2.OpList()
    missing = []
    for name in sorted(wanted):
        op = op_def_registry.get(name)
        if op is None:
            missing.append(name)
            continue
        op = op_def_pb2.OpDef.FromString(op.SerializeToString())
        op.ClearField("description")
        op.ClearField("summary")
        for a in list(op.input_arg) + list(op.output_arg) + list(op.attr):
            a.ClearField("description")
        out.op.append(op)
    path = os.path.join(root, "tfgraph", "framework", "tf_op_defs.pbtxt")
    with open(path, "w", encoding="utf-8") as f:
        f.write("# TensorFlow's OpDefs for the op types tfgraph imports and exports.\n"
                "# Generated by tools/gen_tf_op_defs.py; do not edit.\n")
        f.write(text_format.MessageToString(out))
    print(f"{len(out.op)} OpDefs written to {path}; not in TF (tfgraph-only): "
          f"{', '.join(missing)}", file=sys.stderr)


if __name__ == "__main__":
    main()
