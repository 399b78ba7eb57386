"""Every error of the inventory domain, each with a message an operator or customer can act on."""


class HardwareError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidNumber(HardwareError):
    """Not a valid E.164 phone number, or not one of the country it was given for."""


class InvalidIccid(HardwareError):
    """An ICCID that is not 18–22 digits with a valid Luhn check digit."""


class NoSuchGateway(HardwareError):
    pass


class NoSuchSlot(HardwareError):
    pass


class SlotOccupied(HardwareError):
    pass


class NoSuchSim(HardwareError):
    pass


class NoSuchNumber(HardwareError):
    pass


class AlreadyExists(HardwareError):
    pass


class InvalidInventory(HardwareError):
    """An inventory file with problems; nothing of it was loaded."""


class ForbiddenTransition(HardwareError):
    """A number was asked to move to a state its lifecycle does not allow from where it is."""


class OutOfStock(HardwareError):
    """No number of that country and kind is free to allocate."""
