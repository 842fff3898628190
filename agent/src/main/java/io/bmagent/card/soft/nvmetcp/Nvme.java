package io.bmagent.card.soft.nvmetcp;

/** Opcodes, fabrics command types, property offsets and status codes used on both sides. */
public final class Nvme {
    // Admin opcodes (NVMe Base 1.4, 5).
    public static final int ADMIN_GET_LOG_PAGE = 0x02;
    public static final int ADMIN_IDENTIFY = 0x06;
    public static final int ADMIN_ABORT = 0x08;
    public static final int ADMIN_SET_FEATURES = 0x09;
    public static final int ADMIN_GET_FEATURES = 0x0A;
    public static final int ADMIN_ASYNC_EVENT = 0x0C;
    public static final int ADMIN_KEEP_ALIVE = 0x18;
    // NVM I/O opcodes (NVM Command Set, 6).
    public static final int IO_FLUSH = 0x00;
    public static final int IO_WRITE = 0x01;
    public static final int IO_READ = 0x02;
    public static final int IO_WRITE_ZEROES = 0x08;
    public static final int IO_DSM = 0x09;
    // Fabrics commands: opcode 7Fh with FCTYPE (NVMe-oF 1.1, 3.3).
    public static final int FABRICS = 0x7F;
    public static final int FCTYPE_PROPERTY_SET = 0x00;
    public static final int FCTYPE_CONNECT = 0x01;
    public static final int FCTYPE_PROPERTY_GET = 0x04;
    // Properties (NVMe-oF 1.1, 3.4; NVMe Base 3.1).
    public static final int PROP_CAP = 0x00;
    public static final int PROP_VS = 0x08;
    public static final int PROP_CC = 0x14;
    public static final int PROP_CSTS = 0x1C;
    /** CC.SHN 01b, normal shutdown (NVMe Base 2.0, 3.1.3.5). */
    public static final long CC_SHN_NORMAL = 1L << 14;
    /** CSTS.SHST 10b, shutdown processing complete (NVMe Base 2.0, 3.1.3.6). */
    public static final int CSTS_SHST_COMPLETE = 2;
    public static final int CSTS_SHST_OCCURRING = 1;
    // Identify CNS values (NVMe Base 1.4, 5.15).
    public static final int CNS_NAMESPACE = 0x00;
    public static final int CNS_CONTROLLER = 0x01;
    public static final int CNS_ACTIVE_NSIDS = 0x02;
    public static final int CNS_NS_DESCRIPTORS = 0x03;
    public static final int CNS_CSI_CONTROLLER = 0x06;
    // Feature identifiers (NVMe Base 2.0, 5.27.1, figure "Feature Identifiers").
    public static final int FID_ARBITRATION = 0x01;
    public static final int FID_POWER_MANAGEMENT = 0x02;
    public static final int FID_TEMPERATURE_THRESHOLD = 0x04;
    public static final int FID_ERROR_RECOVERY = 0x05;
    public static final int FID_VOLATILE_WRITE_CACHE = 0x06;
    public static final int FID_NUMBER_OF_QUEUES = 0x07;
    public static final int FID_INTERRUPT_COALESCING = 0x08;
    public static final int FID_INTERRUPT_VECTOR_CONFIGURATION = 0x09;
    public static final int FID_WRITE_ATOMICITY_NORMAL = 0x0A;
    public static final int FID_ASYNC_EVENT_CONFIGURATION = 0x0B;
    public static final int FID_KEEP_ALIVE_TIMER = 0x0F;
    /** Get Features SEL, CDW10 bits 10:8 (NVMe Base 2.0, 5.15.1). */
    public static final int SEL_CURRENT = 0;
    public static final int SEL_DEFAULT = 1;
    public static final int SEL_SAVED = 2;
    public static final int SEL_SUPPORTED_CAPABILITIES = 3;
    // Log page identifiers (NVMe Base 2.0, 5.16.1).
    public static final int LID_ERROR_INFORMATION = 0x01;
    public static final int LID_SMART_HEALTH = 0x02;
    public static final int LID_FIRMWARE_SLOT = 0x03;
    /** Transport type TCP, as in the Discovery Log Page and the Error Information entry (NVMe-oF 1.1, 5.3). */
    public static final int TRTYPE_TCP = 3;
    // Status code types and codes (NVMe Base 1.4, 4.6.1.2).
    public static final int SCT_GENERIC = 0;
    public static final int SCT_COMMAND_SPECIFIC = 1;
    public static final int SCT_PATH = 3;
    public static final int SC_INVALID_OPCODE = 0x01;
    public static final int SC_INVALID_FIELD = 0x02;
    public static final int SC_DATA_TRANSFER_ERROR = 0x04;
    public static final int SC_INTERNAL = 0x06;
    public static final int SC_ABORTED_SQ_DELETION = 0x08;
    public static final int SC_INVALID_NAMESPACE = 0x0B;
    public static final int SC_COMMAND_SEQUENCE_ERROR = 0x0C;
    public static final int SC_DATA_SGL_LENGTH_INVALID = 0x0F;
    public static final int SC_SGL_DESCRIPTOR_TYPE_INVALID = 0x11;
    public static final int SC_LBA_OUT_OF_RANGE = 0x80;
    /** Command specific, for Connect (NVMe-oF 1.1, 3.3.1.1). */
    public static final int SC_CONNECT_INCOMPATIBLE_FORMAT = 0x80;
    /** Command specific, for Asynchronous Event Request, Get Log Page and Set Features (NVMe Base 2.0, 5.2, 5.16, 5.27). */
    public static final int SC_ASYNC_EVENT_LIMIT_EXCEEDED = 0x05;
    public static final int SC_INVALID_LOG_PAGE = 0x09;
    public static final int SC_FEATURE_NOT_SAVEABLE = 0x0D;
    public static final int SC_FEATURE_NOT_CHANGEABLE = 0x0E;
    public static final int SC_FEATURE_NOT_NAMESPACE_SPECIFIC = 0x0F;
    public static final int SC_CONNECT_INVALID_PARAMETERS = 0x82;
    public static final int SC_CONNECT_INVALID_HOST = 0x84;
    public static final int SC_TRANSIENT_TRANSPORT_ERROR = 0x22;

    /** Size of the Connect command data (NVMe-oF 1.1, Figure 20). */
    public static final int CONNECT_DATA_SIZE = 1024;
    /** Admin queues of Linux hosts may carry up to 8 KiB in-capsule; controllers must accept it. */
    public static final int ADMIN_INCAPSULE_SIZE = 8192;
    public static final int IDENTIFY_SIZE = 4096;

    private Nvme() {
    }
}
