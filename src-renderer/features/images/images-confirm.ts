/** The images feature's confirmations keep their own test ids (replication actions, trusting a certificate, removing a registry). */
export const IMAGES_CONFIRM = { dialog: 'images-confirm', cancel: 'images-confirm-cancel', ok: 'images-confirm-ok' };
