using System;
using System.Collections.Generic;
using System.Linq;

namespace DlGpuTools.Bandwidth
{
    /// <summary>
    /// The tests Measure-GpuBandwidth runs, named like nvbandwidth's where nvbandwidth has the same test
    /// (host_to_device_memcpy_ce, device_local_copy, ...); the SM-kernel device-memory tests and the pageable
    /// host tests are ours and say so by name, as does the SM peer test both ways (one GPU's kernels reading
    /// from and writing into the peer at once, where nvbandwidth's runs kernels on both GPUs).
    /// </summary>
    public static class BandwidthTests
    {
        public const string DeviceRead = "device_read_sm";
        public const string DeviceWrite = "device_write_sm";
        public const string DeviceCopySm = "device_local_copy_sm";
        public const string DeviceCopyCe = "device_local_copy";
        public const string DeviceTriad = "device_triad_sm";
        public const string HostToDevice = "host_to_device_memcpy_ce";
        public const string DeviceToHost = "device_to_host_memcpy_ce";
        public const string HostDeviceBidirectional = "host_to_device_bidirectional_memcpy_ce";
        public const string HostToDevicePageable = "host_to_device_memcpy_ce_pageable";
        public const string DeviceToHostPageable = "device_to_host_memcpy_ce_pageable";
        public const string PeerWriteCe = "device_to_device_memcpy_write_ce";
        public const string PeerReadCe = "device_to_device_memcpy_read_ce";
        public const string PeerBidirectionalCe = "device_to_device_bidirectional_memcpy_write_ce";
        public const string PeerReadSm = "device_to_device_memcpy_read_sm";
        public const string PeerBidirectionalSm = "device_to_device_bidirectional_memcpy_sm";

        /// <summary>Every single-GPU test, in the order they run.</summary>
        public static readonly IReadOnlyList<string> SingleDevice = new[]
        {
            DeviceRead, DeviceWrite, DeviceCopySm, DeviceCopyCe, DeviceTriad,
            HostToDevice, DeviceToHost, HostDeviceBidirectional, HostToDevicePageable, DeviceToHostPageable,
        };

        /// <summary>Tests between two GPUs, run for every pair of the GPUs measured.</summary>
        public static readonly IReadOnlyList<string> Peer = new[] { PeerWriteCe, PeerReadCe, PeerReadSm, PeerBidirectionalCe, PeerBidirectionalSm };

        /// <summary>Every test name, for -Test's validation and completion.</summary>
        public static IReadOnlyList<string> All => SingleDevice.Concat(Peer).ToArray();

        public static bool IsHostTest(string test) => test.IndexOf("host", StringComparison.Ordinal) >= 0;

        public static bool IsPeerTest(string test) => Peer.Contains(test);

        /// <summary>The asked-for tests in run order, without duplicates; null or empty means all.</summary>
        public static IReadOnlyList<string> Select(IEnumerable<string>? asked)
        {
            var wanted = new HashSet<string>(asked ?? Enumerable.Empty<string>(), StringComparer.OrdinalIgnoreCase);
            if (wanted.Count == 0) return All;
            foreach (string name in wanted)
            {
                if (!All.Contains(name, StringComparer.OrdinalIgnoreCase)) throw new ArgumentException($"There is no bandwidth test '{name}'. Tests: {string.Join(", ", All)}.");
            }

            return All.Where(wanted.Contains).ToArray();
        }
    }
}
