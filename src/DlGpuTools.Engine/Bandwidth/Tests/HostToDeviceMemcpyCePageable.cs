namespace DlGpuTools.Bandwidth.Tests
{
    /// <summary>
    /// The host-to-device copy from ordinary (pageable) memory, as most programs' data is: the driver stages it through
    /// its own page-locked buffers, so the figure includes the host's staging (ours; nvbandwidth has no such test).
    /// </summary>
    internal sealed class HostToDeviceMemcpyCePageable : HostToDeviceMemcpyCe
    {
        public new const string TestId = "host_to_device_memcpy_ce_pageable";

        public HostToDeviceMemcpyCePageable()
            : base(TestId, "Copy engine copies pageable (malloc) host memory into the GPU; the driver stages it.", HostMemory.Pageable)
        {
        }
    }
}
