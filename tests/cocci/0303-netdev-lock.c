// excerpt of drivers/net/ovpn/peer.c (upstream 7.3)
int ovpn_peer_add(struct ovpn_priv *ovpn, struct ovpn_peer *peer)
{
	int ret = -ENODEV;

	/* Prevent adding new peers while destroying the ovpn interface.
	 * Failing to do so would end up holding the device reference
	 * endlessly hostage of the new peer object with no chance of
	 * release..
	 */
	netdev_lock(ovpn->dev);
	if (ovpn->dev->reg_state != NETREG_REGISTERED)
		goto out;

	switch (ovpn->mode) {
	case OVPN_MODE_MP:
		ret = ovpn_peer_add_mp(ovpn, peer);
		break;
	case OVPN_MODE_P2P:
		ret = ovpn_peer_add_p2p(ovpn, peer);
		break;
	}
out:
	netdev_unlock(ovpn->dev);

	return ret;
}
