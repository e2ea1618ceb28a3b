using System;
using System.Runtime.InteropServices;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// Device memory from cuMemAlloc, freed by cuMemFree when disposed (or finalized, so an exception or a
    /// Ctrl+C between allocation and use cannot leak GPU memory for the life of the PowerShell session).
    /// </summary>
    internal sealed class DeviceBuffer : SafeHandle
    {
        private readonly CudaDriver _driver;
        private readonly DeviceContext _context;

        private DeviceBuffer(CudaDriver driver, DeviceContext context, ulong pointer, ulong bytes)
            : base(IntPtr.Zero, ownsHandle: true)
        {
            _driver = driver;
            _context = context;
            SetHandle(new IntPtr((long)pointer));
            Bytes = bytes;
        }

        public ulong Bytes { get; }

        public ulong DevicePointer => (ulong)handle.ToInt64();

        public override bool IsInvalid => handle == IntPtr.Zero;

        /// <summary>Allocates on the context's device; the context must be current (inside <see cref="DeviceContext.Enter"/>).</summary>
        public static DeviceBuffer Allocate(CudaDriver driver, DeviceContext context, ulong bytes)
        {
            driver.ThrowIfFailed(driver.cuMemAlloc(bytes, out ulong pointer));
            return new DeviceBuffer(driver, context, pointer, bytes);
        }

        /// <summary>
        /// Like <see cref="Allocate"/>, but a refusal (out of memory) is a result, not an exception: for filling memory up.
        /// </summary>
        public static CudaResult TryAllocate(CudaDriver driver, DeviceContext context, ulong bytes, out DeviceBuffer? buffer)
        {
            CudaResult result = driver.cuMemAlloc(bytes, out ulong pointer);
            buffer = result == CudaResult.CUDA_SUCCESS ? new DeviceBuffer(driver, context, pointer, bytes) : null;
            return result;
        }

        protected override bool ReleaseHandle()
        {
            // Memory belongs to its context: once the lease is given back the context may be destroyed, and
            // with it this allocation, and its handle must not be pushed again. Only a buffer left to the
            // finalizer can get here that late; the engine frees every buffer before its lease.
            if (_context.IsReleased) return true;
            // cuMemFree needs a current context; push ours in case the releasing thread has none.
            bool pushed = _driver.cuCtxPushCurrent(_context.Handle) == CudaResult.CUDA_SUCCESS;
            CudaResult result = _driver.cuMemFree(DevicePointer);
            if (pushed) _driver.cuCtxPopCurrent(out _);
            return result == CudaResult.CUDA_SUCCESS;
        }
    }
}
