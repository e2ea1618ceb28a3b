using System;
using System.Linq;
using DlGpuTools.Devices;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    /// <summary>The one rule every command that takes a GPU picks devices by.</summary>
    public sealed class DeviceSelectorTests
    {
        private static readonly CudaDevice[] Two =
        {
            new CudaDevice { Index = 0, Uuid = "GPU-aaaa" },
            new CudaDevice { Index = 1, Uuid = "GPU-bbbb" },
        };

        [Fact]
        public void Device_objects_win_over_uuids_which_win_over_indexes_and_nothing_named_means_every_device()
        {
            Assert.Equal(new[] { 1 }, DeviceSelector.Select(Two, new[] { 0 }, new[] { "GPU-aaaa" },
                new[] { new CudaDevice { Index = 0, Uuid = "gpu-BBBB" } }).Devices.Select(d => d.Index));
            Assert.Equal(new[] { 0 }, DeviceSelector.Select(Two, new[] { 1 }, new[] { "aaaa" }, null).Devices.Select(d => d.Index));
            Assert.Equal(new[] { 1 }, DeviceSelector.Select(Two, new[] { 1 }, null, null).Devices.Select(d => d.Index));
            Assert.Null(DeviceKeys.From(null, null, null));
            Assert.Equal(new[] { 0, 1 }, DeviceSelector.Select(Two, null).Devices.Select(d => d.Index));
            // An object without a UUID (JSON from an older version) falls back to its index.
            Assert.Equal(new[] { 1 },
                DeviceSelector.Select(Two, null, null, new[] { new CudaDevice { Index = 1 } }).Devices.Select(d => d.Index));
            Assert.Empty(DeviceSelector.Select(Two, Array.Empty<int>(), null, null).Devices);
        }

        [Fact]
        public void Keys_from_several_pipeline_records_add_up_and_every_key_that_names_no_device_is_reported()
        {
            DeviceKeys keys = Must.Exist(DeviceKeys.From(new[] { 1, 7 }, null, null))
                .And(Must.Exist(DeviceKeys.From(null, new[] { "GPU-aaaa", "GPU-cccc" }, null))).And(DeviceKeys.OfIndexes(7));
            DeviceSelection selection = DeviceSelector.Select(Two, keys);
            Assert.Equal(new[] { 0, 1 }, selection.Devices.Select(d => d.Index));
            Assert.Equal(new[] { 7 }, selection.MissingIndexes);
            Assert.Equal(new[] { "GPU-cccc" }, selection.MissingUuids);
            Assert.True(keys.MayName(5));
            Assert.False(DeviceKeys.OfIndexes(1).MayName(5));
        }
    }
}
