import { Column, Entity, PrimaryColumn } from 'typeorm';

export type WebhookDeliveryStatus = 'processing' | 'done';

/** One accepted (or in-flight) push, kept at least 24 hours for replay protection and idempotency. */
@Entity({ name: 'webhook_deliveries' })
export class WebhookDeliveryEntity {
  @PrimaryColumn('uuid', { name: 'endpoint_id' }) endpointId!: string;
  /** X-Cordon-Delivery, the sender's unique id for this push. */
  @PrimaryColumn('text', { name: 'delivery_id' }) deliveryId!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('text') status!: WebhookDeliveryStatus;
  /** X-Cordon-Timestamp of the signed request (unix seconds). */
  @Column('bigint', { name: 'signed_at' }) signedAt!: string;
  @Column('bytea', { name: 'body_sha256' }) bodySha256!: Buffer;
  @Column('timestamptz', { name: 'received_at' }) receivedAt!: Date;
  /** The alerts the delivery resolved to, in payload order (a repeat appears twice). */
  @Column('uuid', { name: 'alert_ids', array: true }) alertIds!: string[];
  @Column('integer', { name: 'created_count' }) createdCount!: number;
}
