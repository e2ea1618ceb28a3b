using System;

namespace DlGpuTools.Diagnostics
{
    public sealed class InstallCheckOptions
    {
        /// <summary>A CUDA runtime older than this fails the runtime check.</summary>
        public Version? MinimumCudaVersion { get; set; }

        /// <summary>A cuDNN older than this fails the cuDNN check.</summary>
        public Version? MinimumCudnnVersion { get; set; }
    }
}
