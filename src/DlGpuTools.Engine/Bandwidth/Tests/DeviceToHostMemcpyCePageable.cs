namespace DlGpuTools.Bandwidth.Tests
{
    /// <summary>
    /// The device-to-host copy into ordinary (pageable) memory, staged by the driver (ours; nvbandwidth has no such test).
    /// </summary>
    internal sealed class DeviceToHostMemcpyCePageable : DeviceToHostMemcpyCe
    {
        public new const string TestId = "device_to_host_memcpy_ce_pageable";

        public DeviceToHostMemcpyCePageable()
            : base(
                TestId,
                "Copy engine copies the GPU's memory into pageable (malloc) host memory; the driver stages it.",
                HostMemory.Pageable)
        {
        }
    }
}
