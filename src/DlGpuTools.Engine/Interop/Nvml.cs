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

        private readonly NativeMethods _native;

        private Nvml(NativeLibraryHandle library, string libraryPath, IReadOnlyList<ProbeAttempt> attempts)
        {
            LibraryPath = libraryPath;
            Attempts = attempts;
            _native = new NativeMethods(new NativeFunctionTable(library, NativeLibraryKind.Nvml, libraryPath, NativeDeclarations));
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
            if (library.GetExport("nvmlInit_v2") == IntPtr.Zero)
                return "it does not export nvmlInit_v2 (NVML older than driver R319, or not NVML)";
            var native = new NativeMethods(
                new NativeFunctionTable(library, NativeLibraryKind.Nvml, library.RequestedPath, NativeDeclarations));
            NvmlReturn result = native.nvmlInit_v2();
            if (result == NvmlReturn.NVML_SUCCESS) return null;
            string? text = native.HasNvmlErrorString ? Marshal.PtrToStringAnsi(native.nvmlErrorString(result)) : null;
            return $"nvmlInit_v2 returned {NvmlException.NameOf(result)} ({(int)result})" + (text == null ? string.Empty : ": " + text);
        }

        public void ThrowIfFailed(NvmlReturn status, [CallerArgumentExpression("status")] string? call = null)
        {
            if (status == NvmlReturn.NVML_SUCCESS) return;
            throw new NvmlException(status, ErrorString(status), NativeCall.Name(call));
        }

        public string ErrorString(NvmlReturn status)
        {
            if (!_native.HasNvmlErrorString) return "no description from NVML";
            IntPtr text = _native.nvmlErrorString(status);
            return text == IntPtr.Zero ? "no description from NVML" : Marshal.PtrToStringAnsi(text);
        }

        public NvmlReturn nvmlSystemGetDriverVersion(out string? version)
        {
            version = null;
            byte* buffer = stackalloc byte[96];
            var r = _native.nvmlSystemGetDriverVersion(buffer, 96);
            if (r == NvmlReturn.NVML_SUCCESS) version = CudaDriver.ReadString(buffer, 96);
            return r;
        }

        public NvmlReturn nvmlSystemGetCudaDriverVersion(out int version)
        {
            version = 0;
            int v;
            var r = _native.nvmlSystemGetCudaDriverVersion_v2(&v);
            version = v;
            return r;
        }

        public NvmlReturn nvmlDeviceGetCount(out uint count)
        {
            count = 0;
            uint c;
            var r = _native.nvmlDeviceGetCount_v2(&c);
            count = c;
            return r;
        }

        public NvmlReturn nvmlDeviceGetHandleByIndex(uint index, out IntPtr device)
        {
            device = IntPtr.Zero;
            IntPtr d;
            var r = _native.nvmlDeviceGetHandleByIndex_v2(index, &d);
            device = d;
            return r;
        }

        public NvmlReturn nvmlDeviceGetUUID(IntPtr device, out string? uuid)
        {
            uuid = null;
            byte* buffer = stackalloc byte[96];
            var r = _native.nvmlDeviceGetUUID(device, buffer, 96);
            if (r == NvmlReturn.NVML_SUCCESS) uuid = CudaDriver.ReadString(buffer, 96);
            return r;
        }

        public NvmlReturn nvmlDeviceGetPciInfo(IntPtr device, out string? busId)
        {
            busId = null;
            NvmlPciInfo info;
            var r = _native.nvmlDeviceGetPciInfo_v3(device, &info);
            if (r == NvmlReturn.NVML_SUCCESS) busId = CudaDriver.ReadString(info.BusId, 32);
            return r;
        }

        public NvmlReturn DeviceGetUInt(string function, IntPtr device, out uint value)
        {
            value = 0;
            uint v;
            var r = _native.DeviceUInt(function, device, &v);
            value = v;
            return r;
        }

        public NvmlReturn nvmlDeviceGetTemperature(IntPtr device, out uint celsius)
        {
            celsius = 0;
            uint v;
            var r = _native.nvmlDeviceGetTemperature(device, 0 /* NVML_TEMPERATURE_GPU */, &v);
            celsius = v;
            return r;
        }

        public NvmlReturn nvmlDeviceGetMaxClockInfo(IntPtr device, NvmlClockType type, out uint mhz)
        {
            mhz = 0;
            uint v;
            var r = _native.nvmlDeviceGetMaxClockInfo(device, type, &v);
            mhz = v;
            return r;
        }

        public NvmlReturn nvmlDeviceGetUtilizationRates(IntPtr device, out NvmlUtilization utilization)
        {
            utilization = default;
            NvmlUtilization u;
            var r = _native.nvmlDeviceGetUtilizationRates(device, &u);
            utilization = u;
            return r;
        }

        public NvmlReturn nvmlDeviceGetMemoryInfo(IntPtr device, out NvmlMemory memory)
        {
            memory = default;
            NvmlMemory m;
            var r = _native.nvmlDeviceGetMemoryInfo(device, &m);
            memory = m;
            return r;
        }

        /// <summary>Functions of the form (device, unsigned int* current, unsigned int* pending): MIG and ECC modes.</summary>
        public NvmlReturn DeviceGetCurrentAndPending(string function, IntPtr device, out uint current, out uint pending)
        {
            current = pending = 0;
            uint c, p;
            var r = _native.DeviceModes(function, device, &c, &p);
            current = c;
            pending = p;
            return r;
        }

        public NvmlReturn nvmlDeviceGetComputeRunningProcesses(IntPtr device, out NvmlProcessInfo[] processes)
        {
            processes = Array.Empty<NvmlProcessInfo>();
            // Ask with room for a few; NVML says how many it has when that is too few. Processes come and
            // go between calls, so retry a couple of times with the size it reported plus slack.
            uint capacity = 16;
            for (int attempt = 0; attempt < 4; attempt++)
            {
                var buffer = new NvmlProcessInfo[capacity];
                uint count = capacity;
                NvmlReturn r;
                fixed (NvmlProcessInfo* p = buffer) r = _native.nvmlDeviceGetComputeRunningProcesses_v3(device, &count, p);
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
