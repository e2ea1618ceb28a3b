using System;
using DlGpuTools.Interop;

namespace DlGpuTools.Collectives
{
    /// <summary>An ncclUniqueId as base64 text, so it can travel through remoting, a file or a command line.</summary>
    internal static class UniqueIdText
    {
        public static unsafe string Encode(NcclUniqueId id)
        {
            var bytes = new byte[NcclUniqueId.Bytes];
            for (int i = 0; i < bytes.Length; i++) bytes[i] = id.Internal[i];
            return Convert.ToBase64String(bytes);
        }

        public static unsafe NcclUniqueId Decode(string text)
        {
            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(text ?? string.Empty);
            }
            catch (FormatException)
            {
                throw new CollectiveRendezvousException("The unique id is not base64 text.");
            }

            if (bytes.Length != NcclUniqueId.Bytes)
                throw new CollectiveRendezvousException($"The unique id holds {bytes.Length} bytes; NCCL's has {NcclUniqueId.Bytes}.");
            var id = new NcclUniqueId();
            for (int i = 0; i < bytes.Length; i++) id.Internal[i] = bytes[i];
            return id;
        }
    }
}
