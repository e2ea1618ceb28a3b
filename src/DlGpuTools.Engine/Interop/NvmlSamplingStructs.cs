using System.Runtime.InteropServices;

namespace DlGpuTools.Interop
{
    // Layouts of the structures the sampling and GPM calls use, as in nvml.h (driver R525 and later).

    /// <summary>nvmlMemory_v2_t: adds the memory the driver reserves, so "used" matches nvidia-smi.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct NvmlMemoryV2
    {
        /// <summary>NVML_STRUCT_VERSION(Memory, 2): the struct size with the version in the top byte.</summary>
        public const uint Version2 = 40u | (2u << 24);

        public uint Version;
        public ulong Total;
        public ulong Reserved;
        public ulong Free;
        public ulong Used;
    }

    /// <summary>nvmlFieldValue_t (40 bytes): one field id in, its value, timestamp and status out.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct NvmlFieldValue
    {
        public uint FieldId;
        public uint ScopeId;
        public long Timestamp;
        public long LatencyUsec;
        public NvmlValueType ValueType;
        public NvmlReturn NvmlReturn;
        /// <summary>nvmlValue_t, an 8-byte union; read through <see cref="ValueAsDouble"/>.</summary>
        public ulong RawValue;

        public double ValueAsDouble()
        {
            switch (ValueType)
            {
                case NvmlValueType.NVML_VALUE_TYPE_DOUBLE: return System.BitConverter.Int64BitsToDouble((long)RawValue);
                case NvmlValueType.NVML_VALUE_TYPE_UNSIGNED_INT: return (uint)RawValue;
                case NvmlValueType.NVML_VALUE_TYPE_SIGNED_LONG_LONG: return (long)RawValue;
                default: return RawValue;
            }
        }
    }

    internal enum NvmlValueType
    {
        NVML_VALUE_TYPE_DOUBLE = 0,
        NVML_VALUE_TYPE_UNSIGNED_INT = 1,
        NVML_VALUE_TYPE_UNSIGNED_LONG = 2,
        NVML_VALUE_TYPE_UNSIGNED_LONG_LONG = 3,
        NVML_VALUE_TYPE_SIGNED_LONG_LONG = 4,
    }

    /// <summary>The nvmlDeviceGetFieldValues ids the monitor reads (nvml.h NVML_FI_*).</summary>
    internal static class NvmlFieldId
    {
        public const uint NVML_FI_DEV_NVLINK_LINK_COUNT = 91;
        /// <summary>Cumulative NVLink data payload sent, KiB; scope UINT_MAX sums all links.</summary>
        public const uint NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_TX = 138;
        public const uint NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_RX = 139;
        /// <summary>PCIe bytes sent and received since some past moment: monotonic counters (they may wrap), read in well
        /// under a millisecond, unlike nvmlDeviceGetPcieThroughput, which blocks about 20 ms per direction.</summary>
        public const uint NVML_FI_DEV_PCIE_COUNT_TX_BYTES = 197;
        public const uint NVML_FI_DEV_PCIE_COUNT_RX_BYTES = 198;
        public const uint ScopeAllLinks = uint.MaxValue;
    }

    /// <summary>nvmlProcessUtilizationSample_t (32 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct NvmlProcessUtilizationSample
    {
        public uint Pid;
        public ulong TimeStamp;
        public uint SmUtil;
        public uint MemUtil;
        public uint EncUtil;
        public uint DecUtil;
    }

    internal enum NvmlPcieUtilCounter
    {
        NVML_PCIE_UTIL_TX_BYTES = 0,
        NVML_PCIE_UTIL_RX_BYTES = 1,
    }

    internal enum NvmlMemoryErrorType
    {
        NVML_MEMORY_ERROR_TYPE_CORRECTED = 0,
        NVML_MEMORY_ERROR_TYPE_UNCORRECTED = 1,
    }

    internal enum NvmlEccCounterType
    {
        NVML_VOLATILE_ECC = 0,
        NVML_AGGREGATE_ECC = 1,
    }

    /// <summary>nvmlGpmMetricId_t: the GPM metrics the monitor asks for (values are percentages 0-100).</summary>
    internal enum NvmlGpmMetricId
    {
        NVML_GPM_METRIC_GRAPHICS_UTIL = 1,
        NVML_GPM_METRIC_SM_UTIL = 2,
        NVML_GPM_METRIC_SM_OCCUPANCY = 3,
        NVML_GPM_METRIC_INTEGER_UTIL = 4,
        NVML_GPM_METRIC_ANY_TENSOR_UTIL = 5,
        NVML_GPM_METRIC_DFMA_TENSOR_UTIL = 6,
        NVML_GPM_METRIC_HMMA_TENSOR_UTIL = 7,
        NVML_GPM_METRIC_IMMA_TENSOR_UTIL = 9,
        NVML_GPM_METRIC_DRAM_BW_UTIL = 10,
        NVML_GPM_METRIC_FP64_UTIL = 11,
        NVML_GPM_METRIC_FP32_UTIL = 12,
        NVML_GPM_METRIC_FP16_UTIL = 13,
    }

    /// <summary>nvmlGpmMetric_t (40 bytes): metric id in; status, value and name pointers out.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct NvmlGpmMetric
    {
        public uint MetricId;
        public NvmlReturn NvmlReturn;
        public double Value;
        public System.IntPtr ShortName;
        public System.IntPtr LongName;
        public System.IntPtr Unit;
    }

    /// <summary>
    /// The head of nvmlGpmMetricsGet_t; the metrics array follows it in the same buffer. nvml.h sizes the array
    /// NVML_GPM_METRIC_MAX (98 in R525, larger later) but NVML reads only numMetrics entries, so the buffer
    /// holds as many as are asked for plus room to spare (see Nvml.Gpm.cs).
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct NvmlGpmMetricsGetHeader
    {
        public const uint Version1 = 1;

        public uint Version;
        public uint NumMetrics;
        public System.IntPtr Sample1;
        public System.IntPtr Sample2;
    }

    /// <summary>nvmlGpmSupport_t.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct NvmlGpmSupport
    {
        public const uint Version1 = 1;

        public uint Version;
        public uint IsSupportedDevice;
    }
}
