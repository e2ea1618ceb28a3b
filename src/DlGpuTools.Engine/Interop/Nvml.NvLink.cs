using System;

namespace DlGpuTools.Interop
{
    /// <summary>
    /// The NVML calls Test-GpuHealth's NVLink and recovery checks read beyond the link state the topology reads
    /// (<see cref="nvmlDeviceGetNvLinkState"/>): per-link error counters, the GPU's link count and the driver's
    /// recovery action. Names and values as nvml.h declares them.
    /// </summary>
    internal sealed unsafe partial class Nvml
    {
        /// <summary>NVML_NVLINK_MAX_LINKS in current nvml.h (18 on Hopper; older headers said 6 or 12).</summary>
        public const uint MaxNvLinks = 18;

        /// <summary>
        /// nvmlDeviceGetNvLinkErrorCounter: one link's count of one error kind since the counters were last reset.
        /// NVML_ERROR_NOT_SUPPORTED where the GPU has no NVLink or does not keep that counter;
        /// NVML_ERROR_INVALID_ARGUMENT for a link the GPU does not have.
        /// </summary>
        public NvmlReturn nvmlDeviceGetNvLinkErrorCounter(IntPtr device, uint link, NvmlNvLinkErrorCounter counter, out ulong value)
        {
            value = 0;
            ulong v;
            var r = _native.nvmlDeviceGetNvLinkErrorCounter(device, link, counter, &v);
            value = v;
            return r;
        }

        /// <summary>
        /// One field of nvmlDeviceGetFieldValues as an unsigned number. The call's own status comes back when it
        /// fails as a whole, else the field's (NVML_ERROR_NOT_SUPPORTED or INVALID_ARGUMENT for a field id the
        /// driver does not know, as older drivers answer for newer fields).
        /// </summary>
        public NvmlReturn DeviceGetFieldUInt64(IntPtr device, uint fieldId, out ulong value)
        {
            value = 0;
            var fields = new[] { new NvmlFieldValue { FieldId = fieldId } };
            NvmlReturn r = nvmlDeviceGetFieldValues(device, fields);
            if (r != NvmlReturn.NVML_SUCCESS) return r;
            if (fields[0].NvmlReturn != NvmlReturn.NVML_SUCCESS) return fields[0].NvmlReturn;
            value = fields[0].ValueType switch
            {
                NvmlValueType.NVML_VALUE_TYPE_UNSIGNED_INT => (uint)fields[0].RawValue,
                NvmlValueType.NVML_VALUE_TYPE_DOUBLE => (ulong)BitConverter.Int64BitsToDouble((long)fields[0].RawValue),
                _ => fields[0].RawValue,
            };
            return NvmlReturn.NVML_SUCCESS;
        }
    }

    /// <summary>nvmlNvLinkErrorCounter_t.</summary>
    internal enum NvmlNvLinkErrorCounter
    {
        /// <summary>Data link transmit replays: a packet sent again after the receiver did not acknowledge it.</summary>
        NVML_NVLINK_ERROR_DL_REPLAY = 0,

        /// <summary>Data link recoveries: the link retrained after errors replays could not fix.</summary>
        NVML_NVLINK_ERROR_DL_RECOVERY = 1,

        /// <summary>Flow-control digits received with a bad CRC.</summary>
        NVML_NVLINK_ERROR_DL_CRC_FLIT = 2,

        /// <summary>Data received with a bad CRC.</summary>
        NVML_NVLINK_ERROR_DL_CRC_DATA = 3,

        /// <summary>Data received with an ECC error the link corrected (Ampere and newer).</summary>
        NVML_NVLINK_ERROR_DL_ECC_DATA = 4,
    }

    /// <summary>nvmlDeviceGpuRecoveryAction_t: what the driver says the GPU needs (field NVML_FI_DEV_GET_GPU_RECOVERY_ACTION).</summary>
    internal enum NvmlGpuRecoveryAction
    {
        NVML_GPU_RECOVERY_ACTION_NONE = 0,
        NVML_GPU_RECOVERY_ACTION_GPU_RESET = 1,
        NVML_GPU_RECOVERY_ACTION_NODE_REBOOT = 2,
        NVML_GPU_RECOVERY_ACTION_DRAIN_P2P = 3,
        NVML_GPU_RECOVERY_ACTION_DRAIN_AND_RESET = 4,
        NVML_GPU_RECOVERY_ACTION_RECOVER_IMEX_DOMAIN = 5,
        NVML_GPU_RECOVERY_ACTION_BUS_RESET = 6,
        NVML_GPU_RECOVERY_ACTION_SYSTEM_REBOOT = 7,
    }

    /// <summary>The nvmlDeviceGetFieldValues ids the health checks read (nvml.h NVML_FI_*).</summary>
    internal static class NvmlHealthFieldId
    {
        /// <summary>NVML_FI_DEV_NVLINK_LINK_COUNT: the links the GPU has, up or down (DCGM reads its link count here).</summary>
        public const uint NvLinkLinkCount = 91;

        /// <summary>NVML_FI_DEV_GET_GPU_RECOVERY_ACTION (R570 and newer drivers): an <see cref="NvmlGpuRecoveryAction"/>.</summary>
        public const uint GpuRecoveryAction = 230;
    }
}
