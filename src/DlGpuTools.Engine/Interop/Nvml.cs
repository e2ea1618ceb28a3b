using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// NVML (libnvidia-ml.so.1 / nvml.dll), bound like <see cref="CudaDriver"/>. Loading initialises NVML
    /// (nvmlInit_v2 is the proving call). It is never shut down: nvmlShutdown invalidates every device handle
    /// of the process, including those another runspace is reading at that moment, and the library stays
    /// loaded anyway (see <see cref="NativeLibraryHandle.KeepLoaded"/>).
    /// NVML enumerates every GPU on the machine and ignores CUDA_VISIBLE_DEVICES, so callers join its
    /// devices to CUDA's by UUID or PCI bus id, never by position.
    /// </summary>
    internal sealed unsafe partial class Nvml
    {
        /// <summary>An NVML value "unknown" sentinel (NVML_VALUE_NOT_AVAILABLE).</summary>
        public const uint ValueNotAvailable = 0xFFFFFFFF;

        private readonly ExportTable _exports;

        private Nvml(NativeLibraryHandle library, string libraryPath, IReadOnlyList<ProbeAttempt> attempts)
        {
            LibraryPath = libraryPath;
            Attempts = attempts;
            _exports = new ExportTable(library, NativeLibraryKind.Nvml, libraryPath, null);
        }

        public string LibraryPath { get; }

        public IReadOnlyList<ProbeAttempt> Attempts { get; }

        public static Nvml Load(ProbeEnvironment environment, INativeLoader loader)
        {
            ProbeResult probe = LibraryProbe.Load(
                NativeLibraryKind.Nvml,
                LibraryCandidates.For(NativeLibraryKind.Nvml, environment),
                loader,
                Prove);
            return new Nvml(probe.Handle, probe.Handle.ResolveLoadedPath("nvmlInit_v2"), probe.Attempts);
        }

        private static string? Prove(NativeLibraryHandle library)
        {
            IntPtr init = library.GetExport("nvmlInit_v2");
            if (init == IntPtr.Zero) return "it does not export nvmlInit_v2 (NVML older than driver R319, or not NVML)";
            NvmlReturn result = ((delegate* unmanaged[Cdecl]<NvmlReturn>)init)();
            if (result == NvmlReturn.NVML_SUCCESS) return null;
            IntPtr errorString = library.GetExport("nvmlErrorString");
            string? text = errorString == IntPtr.Zero ? null : Marshal.PtrToStringAnsi(((delegate* unmanaged[Cdecl]<NvmlReturn, IntPtr>)errorString)(result));
            return $"nvmlInit_v2 returned {NvmlException.NameOf(result)} ({(int)result})" + (text == null ? string.Empty : ": " + text);
        }

        public void ThrowIfFailed(NvmlReturn status, [CallerArgumentExpression("status")] string? call = null)
        {
            if (status == NvmlReturn.NVML_SUCCESS) return;
            throw new NvmlException(status, ErrorString(status), NativeCall.Name(call));
        }

        public string ErrorString(NvmlReturn status)
        {
            IntPtr f = Export("nvmlErrorString");
            if (f == IntPtr.Zero) return "no description from NVML";
            IntPtr text = ((delegate* unmanaged[Cdecl]<NvmlReturn, IntPtr>)f)(status);
            return text == IntPtr.Zero ? "no description from NVML" : Marshal.PtrToStringAnsi(text);
        }

        private IntPtr Export(string name) => _exports.TryGet(name);

        // An NVML too old for a query answers "function not found" like NVML itself does, so callers
        // treat it as "not available on this driver" rather than a crash.
        private IntPtr Fn(string name, out bool missing)
        {
            IntPtr f = Export(name);
            missing = f == IntPtr.Zero;
            return f;
        }

        public NvmlReturn nvmlSystemGetDriverVersion(out string? version)
        {
            version = null;
            IntPtr f = Fn("nvmlSystemGetDriverVersion", out bool missing);
            if (missing) return NvmlReturn.NVML_ERROR_FUNCTION_NOT_FOUND;
            byte* buffer = stackalloc byte[96];
            var r = ((delegate* unmanaged[Cdecl]<byte*, uint, NvmlReturn>)f)(buffer, 96);
            if (r == NvmlReturn.NVML_SUCCESS) version = CudaDriver.ReadString(buffer, 96);
            return r;
        }

        public NvmlReturn nvmlSystemGetCudaDriverVersion(out int version)
        {
            version = 0;
            IntPtr f = Fn("nvmlSystemGetCudaDriverVersion_v2", out bool missing);
            if (missing) return NvmlReturn.NVML_ERROR_FUNCTION_NOT_FOUND;
            int v;
            var r = ((delegate* unmanaged[Cdecl]<int*, NvmlReturn>)f)(&v);
            version = v;
            return r;
        }

        public NvmlReturn nvmlDeviceGetCount(out uint count)
        {
            count = 0;
            IntPtr f = Fn("nvmlDeviceGetCount_v2", out bool missing);
            if (missing) return NvmlReturn.NVML_ERROR_FUNCTION_NOT_FOUND;
            uint c;
            var r = ((delegate* unmanaged[Cdecl]<uint*, NvmlReturn>)f)(&c);
            count = c;
            return r;
        }

        public NvmlReturn nvmlDeviceGetHandleByIndex(uint index, out IntPtr device)
        {
            device = IntPtr.Zero;
            IntPtr f = Fn("nvmlDeviceGetHandleByIndex_v2", out bool missing);
            if (missing) return NvmlReturn.NVML_ERROR_FUNCTION_NOT_FOUND;
            IntPtr d;
            var r = ((delegate* unmanaged[Cdecl]<uint, IntPtr*, NvmlReturn>)f)(index, &d);
            device = d;
            return r;
        }

        public NvmlReturn nvmlDeviceGetUUID(IntPtr device, out string? uuid)
        {
            uuid = null;
            IntPtr f = Fn("nvmlDeviceGetUUID", out bool missing);
            if (missing) return NvmlReturn.NVML_ERROR_FUNCTION_NOT_FOUND;
            byte* buffer = stackalloc byte[96];
            var r = ((delegate* unmanaged[Cdecl]<IntPtr, byte*, uint, NvmlReturn>)f)(device, buffer, 96);
            if (r == NvmlReturn.NVML_SUCCESS) uuid = CudaDriver.ReadString(buffer, 96);
            return r;
        }

        public NvmlReturn nvmlDeviceGetPciInfo(IntPtr device, out string? busId)
        {
            busId = null;
            IntPtr f = Fn("nvmlDeviceGetPciInfo_v3", out bool missing);
            if (missing) return NvmlReturn.NVML_ERROR_FUNCTION_NOT_FOUND;
            NvmlPciInfo info;
            var r = ((delegate* unmanaged[Cdecl]<IntPtr, NvmlPciInfo*, NvmlReturn>)f)(device, &info);
            if (r == NvmlReturn.NVML_SUCCESS) busId = CudaDriver.ReadString(info.BusId, 32);
            return r;
        }

        public NvmlReturn DeviceGetUInt(string function, IntPtr device, out uint value)
        {
            value = 0;
            IntPtr f = Fn(function, out bool missing);
            if (missing) return NvmlReturn.NVML_ERROR_FUNCTION_NOT_FOUND;
            uint v;
            var r = ((delegate* unmanaged[Cdecl]<IntPtr, uint*, NvmlReturn>)f)(device, &v);
            value = v;
            return r;
        }

        public NvmlReturn nvmlDeviceGetTemperature(IntPtr device, out uint celsius)
        {
            celsius = 0;
            IntPtr f = Fn("nvmlDeviceGetTemperature", out bool missing);
            if (missing) return NvmlReturn.NVML_ERROR_FUNCTION_NOT_FOUND;
            uint v;
            var r = ((delegate* unmanaged[Cdecl]<IntPtr, int, uint*, NvmlReturn>)f)(device, 0 /* NVML_TEMPERATURE_GPU */, &v);
            celsius = v;
            return r;
        }

        public NvmlReturn nvmlDeviceGetMaxClockInfo(IntPtr device, NvmlClockType type, out uint mhz)
        {
            mhz = 0;
            IntPtr f = Fn("nvmlDeviceGetMaxClockInfo", out bool missing);
            if (missing) return NvmlReturn.NVML_ERROR_FUNCTION_NOT_FOUND;
            uint v;
            var r = ((delegate* unmanaged[Cdecl]<IntPtr, NvmlClockType, uint*, NvmlReturn>)f)(device, type, &v);
            mhz = v;
            return r;
        }

        public NvmlReturn nvmlDeviceGetUtilizationRates(IntPtr device, out NvmlUtilization utilization)
        {
            utilization = default;
            IntPtr f = Fn("nvmlDeviceGetUtilizationRates", out bool missing);
            if (missing) return NvmlReturn.NVML_ERROR_FUNCTION_NOT_FOUND;
            NvmlUtilization u;
            var r = ((delegate* unmanaged[Cdecl]<IntPtr, NvmlUtilization*, NvmlReturn>)f)(device, &u);
            utilization = u;
            return r;
        }

        public NvmlReturn nvmlDeviceGetMemoryInfo(IntPtr device, out NvmlMemory memory)
        {
            memory = default;
            IntPtr f = Fn("nvmlDeviceGetMemoryInfo", out bool missing);
            if (missing) return NvmlReturn.NVML_ERROR_FUNCTION_NOT_FOUND;
            NvmlMemory m;
            var r = ((delegate* unmanaged[Cdecl]<IntPtr, NvmlMemory*, NvmlReturn>)f)(device, &m);
            memory = m;
            return r;
        }

        /// <summary>Functions of the form (device, unsigned int* current, unsigned int* pending): MIG and ECC modes.</summary>
        public NvmlReturn DeviceGetCurrentAndPending(string function, IntPtr device, out uint current, out uint pending)
        {
            current = pending = 0;
            IntPtr f = Fn(function, out bool missing);
            if (missing) return NvmlReturn.NVML_ERROR_FUNCTION_NOT_FOUND;
            uint c, p;
            var r = ((delegate* unmanaged[Cdecl]<IntPtr, uint*, uint*, NvmlReturn>)f)(device, &c, &p);
            current = c;
            pending = p;
            return r;
        }

        public NvmlReturn nvmlDeviceGetComputeRunningProcesses(IntPtr device, out NvmlProcessInfo[] processes)
        {
            processes = Array.Empty<NvmlProcessInfo>();
            IntPtr f = Fn("nvmlDeviceGetComputeRunningProcesses_v3", out bool missing);
            if (missing) return NvmlReturn.NVML_ERROR_FUNCTION_NOT_FOUND;
            var call = (delegate* unmanaged[Cdecl]<IntPtr, uint*, NvmlProcessInfo*, NvmlReturn>)f;
            // Ask with room for a few; NVML says how many it has when that is too few. Processes come and
            // go between calls, so retry a couple of times with the size it reported plus slack.
            uint capacity = 16;
            for (int attempt = 0; attempt < 4; attempt++)
            {
                var buffer = new NvmlProcessInfo[capacity];
                uint count = capacity;
                NvmlReturn r;
                fixed (NvmlProcessInfo* p = buffer) r = call(device, &count, p);
                if (r == NvmlReturn.NVML_SUCCESS)
                {
                    Array.Resize(ref buffer, (int)Math.Min(count, capacity));
                    processes = buffer;
                    return r;
                }

                if (r != NvmlReturn.NVML_ERROR_INSUFFICIENT_SIZE) return r;
                capacity = count + 8;
            }

            return NvmlReturn.NVML_ERROR_INSUFFICIENT_SIZE;
        }
    }
}
