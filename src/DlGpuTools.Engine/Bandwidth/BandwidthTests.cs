using System.Collections.Generic;
using System.Linq;
using DlGpuTools.Bandwidth.Tests;
using DlGpuTools.Errors;
using DlGpuTools.Registration;

namespace DlGpuTools.Bandwidth
{
    /// <summary>
    /// The one list of Measure-GpuBandwidth's tests, in the order they run. Tests are named like nvbandwidth's where
    /// nvbandwidth has the same test (https://github.com/NVIDIA/nvbandwidth, README "Test cases"); the SM-kernel
    /// device-memory tests, the pageable host tests and the SM peer test both ways are ours and say so in their class.
    /// -Test's validation and completion, the docs' table and the tests read this list.
    /// </summary>
    public static class BandwidthTests
    {
        internal static readonly Registry<BandwidthTest> Tests = new Registry<BandwidthTest>("bandwidth test",
            ErrorCatalogue.UnknownBandwidthTest,
            new BandwidthTest[]
        {
            new DeviceReadSm(),
            new DeviceWriteSm(),
            new DeviceLocalCopySm(),
            new DeviceLocalCopy(),
            new DeviceTriadSm(),
            new HostToDeviceMemcpyCe(),
            new DeviceToHostMemcpyCe(),
            new HostToDeviceBidirectionalMemcpyCe(),
            new HostToDeviceMemcpyCePageable(),
            new DeviceToHostMemcpyCePageable(),
            new HostToDeviceMemcpySm(),
            new DeviceToHostMemcpySm(),
            new DeviceToDeviceMemcpyWriteCe(),
            new DeviceToDeviceMemcpyReadCe(),
            new DeviceToDeviceMemcpyReadSm(),
            new DeviceToDeviceBidirectionalMemcpyWriteCe(),
            new DeviceToDeviceBidirectionalMemcpySm(),
        });

        /// <summary>Every test id with its description, for the cmdlet's validation and completion.</summary>
        public static IRegistry Registry => Tests;

        /// <summary>Every test, in run order.</summary>
        public static IReadOnlyList<IBandwidthTest> All => Tests.All;

        /// <summary>
        /// The asked-for tests (ids in any case) in run order, without duplicates; null or empty asks for all. An unknown
        /// id is an <see cref="UnknownRegisteredIdException"/> that lists the ids there are.
        /// </summary>
        public static IReadOnlyList<IBandwidthTest> Select(IEnumerable<string>? ids) => Tests.Select(ids).ToArray();
    }
}
