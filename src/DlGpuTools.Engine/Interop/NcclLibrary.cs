using System;
using System.Runtime.InteropServices;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// NCCL 2's C API (NVIDIA/nccl src/nccl.h.in), bound from the proved library: the version, communicators
    /// (one process driving several GPUs with ncclCommInitAll, or one rank of many with ncclCommInitRank), group
    /// calls and the collectives. Buffers are device pointers and streams CUDA streams of the device's primary
    /// context, which is the context NCCL itself works in (it selects devices with cudaSetDevice).
    /// </summary>
    internal sealed unsafe partial class NcclLibrary : ToolkitLibrary
    {
        private readonly NativeMethods _native;

        private NcclLibrary(ProbeResult probe)
            : base(probe.Handle, probe.Handle.ResolveLoadedPath("ncclGetVersion"), probe.Attempts, NativeLibraryKind.Nccl)
        {
            _native = new NativeMethods(Bind(NativeDeclarations));
        }

        public static NcclLibrary Load(ProbeEnvironment environment, INativeLoader loader) =>
            new NcclLibrary(Probe(NativeLibraryKind.Nccl, environment, loader, "ncclGetVersion", NativeDeclarations));

        /// <summary>ncclGetVersion: NCCL_VERSION_CODE of the loaded library; 0 when the call fails.</summary>
        public int VersionCode
        {
            get
            {
                int v;
                return _native.ncclGetVersion(&v) == NcclResult.ncclSuccess ? v : 0;
            }
        }

        /// <summary>
        /// NCCL_VERSION_CODE: major*10000 + minor*100 + patch from NCCL 2.9 on (21903 is 2.19.3); before that
        /// major*1000 + minor*100 + patch (2708 is 2.7.8).
        /// </summary>
        public static Version? DecodeVersion(int code)
        {
            if (code <= 0) return null;
            return code >= 10000
                ? new Version(code / 10000, code % 10000 / 100, code % 100)
                : new Version(code / 1000, code % 1000 / 100, code % 100);
        }

        public string ErrorString(NcclResult result)
        {
            IntPtr text = _native.HasNcclGetErrorString ? _native.ncclGetErrorString(result) : IntPtr.Zero;
            return text == IntPtr.Zero ? "no description from NCCL" : Marshal.PtrToStringAnsi(text);
        }

        /// <summary>
        /// ncclGetLastError (NCCL 2.13 and later): the last error's detailed text; null where the library lacks it or has none.
        /// </summary>
        public string? LastError(IntPtr comm)
        {
            if (!_native.HasNcclGetLastError) return null;
            IntPtr text = _native.ncclGetLastError(comm);
            string? s = text == IntPtr.Zero ? null : Marshal.PtrToStringAnsi(text);
            return Strings.IsNullOrWhiteSpace(s) ? null : s;
        }

        /// <summary>The one conversion of a failed ncclResult_t into an exception, with NCCL's detailed text where it has one.</summary>
        public void ThrowIfFailed(NcclResult result,
            [System.Runtime.CompilerServices.CallerArgumentExpression("result")] string? call = null)
        {
            if (result == NcclResult.ncclSuccess) return;
            string text = ErrorString(result);
            string? detail = LastError(IntPtr.Zero);
            throw new NcclException(result, detail == null ? text : text + " (" + detail + ")", NativeCall.Name(call));
        }

        public NcclResult ncclGetUniqueId(out NcclUniqueId id)
        {
            NcclUniqueId value;
            NcclResult r = _native.ncclGetUniqueId(&value);
            id = value;
            return r;
        }

        /// <summary>One communicator per device in <paramref name="devices"/> (CUDA ordinals), all driven by this process.</summary>
        public NcclResult ncclCommInitAll(IntPtr[] comms, int[] devices)
        {
            if (comms == null || devices == null || comms.Length != devices.Length)
                throw new ArgumentException("one communicator slot per device");
            fixed (IntPtr* c = comms)
            fixed (int* d = devices)
            {
                return _native.ncclCommInitAll(c, devices.Length, d);
            }
        }

        /// <summary>
        /// Joins rank <paramref name="rank"/> of <paramref name="rankCount"/>; uses the device current (cudaSetDevice) for this rank.
        /// </summary>
        public NcclResult ncclCommInitRank(out IntPtr comm, int rankCount, NcclUniqueId id, int rank)
        {
            IntPtr c;
            NcclResult r = _native.ncclCommInitRank(&c, rankCount, id, rank);
            comm = c;
            return r;
        }

        public NcclResult ncclCommDestroy(IntPtr comm) => _native.ncclCommDestroy(comm);

        /// <summary>Frees the communicator's resources and stops its outstanding work, for a hung or failed collective.</summary>
        public NcclResult ncclCommAbort(IntPtr comm) => _native.ncclCommAbort(comm);

        public NcclResult ncclCommGetAsyncError(IntPtr comm, out NcclResult asyncError)
        {
            NcclResult e;
            NcclResult r = _native.ncclCommGetAsyncError(comm, &e);
            asyncError = e;
            return r;
        }

        public NcclResult ncclGroupStart() => _native.ncclGroupStart();

        public NcclResult ncclGroupEnd() => _native.ncclGroupEnd();

        public NcclResult ncclAllReduce(ulong send, ulong receive, ulong count, NcclDataType type, NcclRedOp op,
            IntPtr comm, IntPtr stream) =>
            _native.ncclAllReduce(send, receive, new UIntPtr(count), type, op, comm, stream);

        /// <summary><paramref name="sendCount"/> elements from each rank; the receive buffer holds rank count × that.</summary>
        public NcclResult ncclAllGather(ulong send, ulong receive, ulong sendCount, NcclDataType type, IntPtr comm, IntPtr stream) =>
            _native.ncclAllGather(send, receive, new UIntPtr(sendCount), type, comm, stream);

        /// <summary><paramref name="receiveCount"/> elements land on each rank; the send buffer holds rank count × that.</summary>
        public NcclResult ncclReduceScatter(ulong send, ulong receive, ulong receiveCount, NcclDataType type, NcclRedOp op,
            IntPtr comm, IntPtr stream) =>
            _native.ncclReduceScatter(send, receive, new UIntPtr(receiveCount), type, op, comm, stream);

        public NcclResult ncclBroadcast(ulong send, ulong receive, ulong count, NcclDataType type, int root, IntPtr comm, IntPtr stream) =>
            _native.ncclBroadcast(send, receive, new UIntPtr(count), type, root, comm, stream);

        public NcclResult ncclReduce(ulong send, ulong receive, ulong count, NcclDataType type, NcclRedOp op, int root,
            IntPtr comm, IntPtr stream) =>
            _native.ncclReduce(send, receive, new UIntPtr(count), type, op, root, comm, stream);

        /// <summary>Point-to-point (NCCL 2.7 and later); a missing export reads as "NCCL too old".</summary>
        public NcclResult ncclSend(ulong send, ulong count, NcclDataType type, int peer, IntPtr comm, IntPtr stream) =>
            _native.ncclSend(send, new UIntPtr(count), type, peer, comm, stream);

        public NcclResult ncclRecv(ulong receive, ulong count, NcclDataType type, int peer, IntPtr comm, IntPtr stream) =>
            _native.ncclRecv(receive, new UIntPtr(count), type, peer, comm, stream);

        /// <summary>True when the library exports ncclSend and ncclRecv (older NCCL lacks point-to-point).</summary>
        public bool HasPointToPoint => _native.HasNcclSend && _native.HasNcclRecv;

        /// <summary>The release that introduced a declared function ("NCCL 2.7" for ncclSend), as NcclLibrary.bindings says.</summary>
        public static string IntroducedIn(string function)
        {
            foreach (NativeFunction declared in NativeDeclarations)
            {
                if (declared.Name == function) return declared.IntroducedIn;
            }

            throw new ArgumentException(function + " is not declared in NcclLibrary.bindings.", nameof(function));
        }
    }
}
