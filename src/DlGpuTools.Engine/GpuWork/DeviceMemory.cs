using System;
using DlGpuTools.GpuWork.Port;
using DlGpuTools.Interop;

namespace DlGpuTools.GpuWork
{
    /// <summary>Device memory of the current context, freed on Dispose (with the same context current, before its lease ends).</summary>
    internal sealed class DeviceMemory : IDisposable
    {
        private readonly IGpuPort _port;
        private bool _freed;

        private DeviceMemory(IGpuPort port, ulong pointer, ulong bytes)
        {
            _port = port;
            Pointer = pointer;
            Bytes = bytes;
        }

        public ulong Pointer { get; }

        public ulong Bytes { get; }

        public static DeviceMemory Allocate(IGpuPort port, ulong bytes)
        {
            CudaResult r = port.TryAllocate(bytes, out ulong pointer);
            if (r != CudaResult.CUDA_SUCCESS) throw new DeviceMemoryRefusedException(bytes, r);
            return new DeviceMemory(port, pointer, bytes);
        }

        /// <summary>Null when the device has no room: for work that takes what it can get.</summary>
        public static DeviceMemory? TryAllocate(IGpuPort port, ulong bytes) =>
            port.TryAllocate(bytes, out ulong pointer) == CudaResult.CUDA_SUCCESS ? new DeviceMemory(port, pointer, bytes) : null;

        public void Dispose()
        {
            if (_freed) return;
            _freed = true;
            _port.Free(Pointer);
        }
    }
}
